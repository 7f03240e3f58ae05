# PS_ENABLE_SANITIZERS: --enable-sanitizers builds with AddressSanitizer and UBSan.
AC_DEFUN([PS_ENABLE_SANITIZERS], [
  AC_ARG_ENABLE([sanitizers],
    [AS_HELP_STRING([--enable-sanitizers], [build with ASan and UBSan (default: no)])],
    [], [enable_sanitizers=no])
  AS_IF([test "x$enable_sanitizers" = xyes], [
    CXXFLAGS="$CXXFLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
    LDFLAGS="$LDFLAGS -fsanitize=address,undefined"
  ])
])
