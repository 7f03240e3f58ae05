# PS_ENABLE_COVERAGE: --enable-coverage builds with gcov instrumentation.
AC_DEFUN([PS_ENABLE_COVERAGE], [
  AC_ARG_ENABLE([coverage],
    [AS_HELP_STRING([--enable-coverage], [build with gcov coverage (default: no)])],
    [], [enable_coverage=no])
  AS_IF([test "x$enable_coverage" = xyes], [
    CXXFLAGS="$CXXFLAGS --coverage -O0"
    LDFLAGS="$LDFLAGS --coverage"
  ])
])
