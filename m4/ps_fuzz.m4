# PS_FUZZ: find a clang++ that links libFuzzer harnesses with ASan and UBSan
# (tests/fuzz). The project itself builds with g++; only the harnesses use FUZZ_CXX.
# Without one, configure says so and the fuzz smoke test of `make check` fails.
AC_DEFUN([PS_FUZZ], [
  AC_ARG_VAR([FUZZ_CXX], [clang++ for the libFuzzer harnesses of tests/fuzz])
  AC_CHECK_PROGS([FUZZ_CXX], [clang++-14 clang++])
  ps_fuzz_ok=no
  AS_IF([test -n "$FUZZ_CXX"], [
    AC_MSG_CHECKING([whether $FUZZ_CXX links a libFuzzer harness with ASan and UBSan])
    cat > conftest-fuzz.cpp <<'PS_EOF'
#include <cstddef>
#include <cstdint>
extern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }
PS_EOF
    AS_IF([$FUZZ_CXX -std=c++20 -fsanitize=fuzzer,address,undefined conftest-fuzz.cpp \
             -o conftest-fuzz >&AS_MESSAGE_LOG_FD 2>&1],
      [ps_fuzz_ok=yes])
    rm -f conftest-fuzz.cpp conftest-fuzz
    AC_MSG_RESULT([$ps_fuzz_ok])
  ])
  AS_IF([test "x$ps_fuzz_ok" != xyes], [
    FUZZ_CXX=
    AC_MSG_WARN([no clang++ with libFuzzer, ASan and UBSan: `make check' will FAIL its fuzz smoke test; install clang-14 and libclang-rt-14-dev (scripts/deps)])
  ])
  AM_CONDITIONAL([HAVE_FUZZ], [test "x$ps_fuzz_ok" = xyes])
])
