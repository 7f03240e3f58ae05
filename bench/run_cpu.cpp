/// \file
/// run_cpu: the CPU time one run of a command costs, as pipe(8) pays it once per
/// message. Starts COMMAND RUNS times (after WARMUP untimed runs), each with FILE on its
/// stdin and stdout/stderr on /dev/null, waits for it with wait4(2), and adds up the
/// user and system time the kernel reports for it, its waited-for children included
/// (so a sendmail it runs counts too). Every run must exit 0: a failing command would
/// be timed doing less work. Prints one line of key=value words:
///   case= runs= cpu_ms= user_ms= sys_ms= wall_ms=
/// (per run, averages). Exit 0, 1 when a run failed, 64 on bad usage.
///
/// SYNOPSIS
///   run_cpu [--case NAME] [--runs N] [--warmup N] --stdin FILE -- COMMAND [ARG...]
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

void usage(FILE* to) {
  std::fputs(
      "usage: run_cpu [--case NAME] [--runs N] [--warmup N] --stdin FILE -- COMMAND [ARG...]\n",
      to);
}

double ms(const timeval& tv) { return tv.tv_sec * 1e3 + tv.tv_usec / 1e3; }

// Runs argv once with `input` on stdin; adds its rusage to `ru`. False when it could
// not be started or did not exit 0.
bool run_once(const std::vector<char*>& argv, const char* input, rusage& ru) {
  pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    int in = ::open(input, O_RDONLY);
    int null = ::open("/dev/null", O_WRONLY);
    if (in < 0 || null < 0) ::_exit(126);
    ::dup2(in, STDIN_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  rusage one{};
  while (::wait4(pid, &status, 0, &one) < 0) {
    if (errno != EINTR) return false;
  }
  timeradd(&ru.ru_utime, &one.ru_utime, &ru.ru_utime);
  timeradd(&ru.ru_stime, &one.ru_stime, &ru.ru_stime);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string name = "command", input;
  long runs = 200, warmup = 5;
  int i = 1;
  for (; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a == "--help" || a == "-h") {
      usage(stdout);
      return 0;
    }
    if (i + 1 >= argc) {
      usage(stderr);
      return 64;
    }
    if (a == "--case") {
      name = argv[++i];
    } else if (a == "--runs") {
      runs = std::atol(argv[++i]);
    } else if (a == "--warmup") {
      warmup = std::atol(argv[++i]);
    } else if (a == "--stdin") {
      input = argv[++i];
    } else {
      usage(stderr);
      return 64;
    }
  }
  if (i >= argc || input.empty() || runs <= 0 || warmup < 0) {
    usage(stderr);
    return 64;
  }
  std::vector<char*> cmd(argv + i, argv + argc);
  cmd.push_back(nullptr);

  rusage ru{};
  for (long n = 0; n < warmup; ++n) {
    if (!run_once(cmd, input.c_str(), ru)) {
      std::fprintf(stderr, "run_cpu: %s: %s failed (warm-up run)\n", name.c_str(), cmd[0]);
      return 1;
    }
  }
  ru = rusage{};
  auto start = std::chrono::steady_clock::now();
  for (long n = 0; n < runs; ++n) {
    if (!run_once(cmd, input.c_str(), ru)) {
      std::fprintf(stderr, "run_cpu: %s: %s failed (run %ld)\n", name.c_str(), cmd[0], n + 1);
      return 1;
    }
  }
  double wall =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
          .count();
  double user = ms(ru.ru_utime) / runs, sys = ms(ru.ru_stime) / runs;
  std::printf("case=%s runs=%ld cpu_ms=%.3f user_ms=%.3f sys_ms=%.3f wall_ms=%.3f\n",
              name.c_str(), runs, user + sys, user, sys, wall / runs);
  return 0;
}
