/// \file
/// sendmail_sink: the no-op sendmail for bench/pipe_run's CPU measurement. Ignores its
/// arguments, reads stdin to the end and exits 0 (75 on a read error). Unlike
/// /bin/true it never exits before the writer is done, so the filter under test never
/// sees EPIPE and never takes its failure path. Plain libc, like pipe_noop.
///
/// SYNOPSIS
///   sendmail_sink [ARG...] < MESSAGE
#include <cerrno>

#include <unistd.h>

int main() {
  char buf[65536];
  ssize_t r;
  while ((r = ::read(STDIN_FILENO, buf, sizeof buf)) != 0)
    if (r < 0 && errno != EINTR) return 75;
  return 0;
}
