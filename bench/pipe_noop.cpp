/// \file
/// pipe_noop: the cheapest pipe(8) content filter there is, the floor postseal-filter
/// is measured against (bench/pipe_run). It changes nothing: it runs
///   SENDMAIL -G -i ARG...
/// with the message from its stdin, as postseal-filter's reinjection does. Modes:
///   exec    (default) replaces itself with SENDMAIL, which reads our stdin directly;
///   --copy  forks SENDMAIL on a pipe, copies stdin into it, and waits, the same
///           process shape as postseal-filter (one extra process, one copy).
/// Exit: with --copy 0 only when SENDMAIL exited 0, and 75 (EX_TEMPFAIL) otherwise or
/// when it cannot be started, so pipe(8) defers rather than bounces. Plain libc on
/// purpose: no C++ runtime to load, so it costs what a process that copies bytes has
/// to cost.
///
/// SYNOPSIS
///   pipe_noop [--copy] SENDMAIL [ARG...]
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

constexpr int kTempFail = 75;  // EX_TEMPFAIL

bool write_all(int fd, const char* p, ssize_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, static_cast<size_t>(n));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= w;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int first = 1;
  bool copy = argc > 1 && std::strcmp(argv[1], "--copy") == 0;
  if (copy) ++first;
  if (first >= argc || std::strcmp(argv[first], "--help") == 0) {
    static const char kUsage[] = "usage: pipe_noop [--copy] SENDMAIL [ARG...]\n";
    write_all(first >= argc ? 2 : 1, kUsage, sizeof kUsage - 1);
    return first >= argc ? 64 : 0;
  }
  // SENDMAIL -G -i ARG...: argv from `first` on, with the two flags after argv[first].
  auto** args = static_cast<char**>(std::malloc(sizeof(char*) * (argc + 3)));
  if (args == nullptr) return kTempFail;
  int n = 0;
  args[n++] = argv[first];
  args[n++] = const_cast<char*>("-G");
  args[n++] = const_cast<char*>("-i");
  for (int i = first + 1; i < argc; ++i) args[n++] = argv[i];
  args[n] = nullptr;

  if (!copy) {
    ::execv(args[0], args);
    return kTempFail;
  }
  ::signal(SIGPIPE, SIG_IGN);
  int fds[2];
  if (::pipe(fds) != 0) return kTempFail;
  pid_t pid = ::fork();
  if (pid < 0) return kTempFail;
  if (pid == 0) {
    ::dup2(fds[0], STDIN_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execv(args[0], args);
    ::_exit(127);
  }
  ::close(fds[0]);
  char buf[65536];
  ssize_t r;
  bool ok = true;
  while (ok && ((r = ::read(STDIN_FILENO, buf, sizeof buf)) > 0 || (r < 0 && errno == EINTR)))
    if (r > 0) ok = write_all(fds[1], buf, r);
  ::close(fds[1]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return kTempFail;
  if (!ok || !WIFEXITED(status)) return kTempFail;
  return WEXITSTATUS(status) == 0 ? 0 : kTempFail;
}
