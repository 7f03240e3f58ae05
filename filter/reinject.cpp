/// \file
/// vfork/execve of sendmail with the whole message, kept first, as its standard input.
#include "filter/reinject.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/fd_io.h"
#include "util/errors.h"
#include "util/unique_fd.h"

namespace postseal::filter {
namespace {

// The sendmail being waited for, and whether its time ran out (SIGALRM handler).
volatile sig_atomic_t g_child = 0;
volatile sig_atomic_t g_timed_out = 0;

void on_alarm(int) {
  g_timed_out = 1;
  if (g_child > 0) ::kill(static_cast<pid_t>(g_child), SIGKILL);
}

/// Messages up to this size are kept in memory (a memfd); larger ones in an unlinked
/// file in $TMPDIR, so a message of any size costs bounded memory.
constexpr off_t kMemoryBytes = 1024 * 1024;

std::string tmp_dir() {
  const char* t = std::getenv("TMPDIR");
  return t != nullptr && *t != '\0' ? t : "/tmp";
}

/// An anonymous memory file (memfd). Throws TempFailure.
UniqueFd memory_file(const char* name) {
  UniqueFd fd(::memfd_create(name, MFD_CLOEXEC));
  if (!fd) throw TempFailure(std::string("memfd_create: ") + std::strerror(errno));
  return fd;
}

/// An unlinked file in $TMPDIR. Throws TempFailure naming the directory.
UniqueFd disk_file() {
  const std::string dir = tmp_dir();
  UniqueFd fd(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (!fd) {
    std::string path = dir + "/postseal-out.XXXXXX";
    fd.reset(::mkostemp(path.data(), O_CLOEXEC));
    if (!fd)
      throw TempFailure("cannot create a temporary file in " + dir + ": " +
                        std::strerror(errno));
    ::unlink(path.c_str());
  }
  return fd;
}

/// The outgoing message, kept whole before sendmail sees a byte of it.
class MessageFile {
 public:
  MessageFile() : fd_(memory_file("postseal-message")) {}

  void append(std::string_view d) {
    if (!on_disk_ && size_ + static_cast<off_t>(d.size()) > kMemoryBytes) move_to_disk();
    io::write_all(fd_.get(), d, "the outgoing message");
    size_ += static_cast<off_t>(d.size());
  }

  /// The descriptor, positioned at the start of the message.
  int rewound() {
    if (::lseek(fd_.get(), 0, SEEK_SET) != 0)
      throw TempFailure(std::string("lseek: ") + std::strerror(errno));
    return fd_.get();
  }

 private:
  void move_to_disk() {
    UniqueFd disk = disk_file();
    char buf[65536];
    for (off_t at = 0; at < size_;) {
      ssize_t n = ::pread(fd_.get(), buf, sizeof buf, at);
      if (n <= 0)
        throw TempFailure(std::string("reading the message back: ") + std::strerror(errno));
      io::write_all(disk.get(), std::string_view(buf, static_cast<size_t>(n)),
                    "the outgoing message in " + tmp_dir());
      at += n;
    }
    fd_ = std::move(disk);
    on_disk_ = true;
  }

  UniqueFd fd_;
  off_t size_ = 0;
  bool on_disk_ = false;
};

}  // namespace

void reinject(const std::vector<std::string>& argv,
              const std::function<void(const Sink&)>& produce, unsigned timeout_seconds) {
  // The whole message first. Postfix's sendmail takes EOF on its input for the end of
  // the message: fed through a pipe, it would queue a truncated copy were we killed
  // (SIGKILL at shutdown, the OOM killer) halfway, since the kernel closes our end
  // before it signals our children (below); pipe(8) would defer the message as well,
  // and the full copy would follow. From a file, sendmail reads all of it or, killed
  // with us, queues nothing.
  MessageFile message;
  produce([&message](std::string_view d) { message.append(d); });
  const int in_fd = message.rewound();
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // sendmail's own complaints go to a memory file, not to our stderr: pipe(8) reads
  // the enhanced status code only at the start of what we print, so it must come first.
  UniqueFd err = memory_file("postseal-sendmail-stderr");
  // vfork rather than fork: the child shares our memory until it execs, so no page
  // tables are copied and no page we touch afterwards has to be copied on write (a fork
  // here cost more CPU than signing the message). Not posix_spawn, which does the same,
  // because the child needs one more step before exec, below.
  const pid_t parent = ::getpid();
  volatile int exec_errno = 0;  // written by the child, which shares our memory
  const int err_fd = err.get();
  pid_t pid = ::vfork();
  if (pid == 0) {
    // The child, until execve: system calls only, nothing that allocates or locks.
    if (::dup2(in_fd, STDIN_FILENO) < 0 || ::dup2(err_fd, STDERR_FILENO) < 0) {
      exec_errno = errno;
      ::_exit(127);
    }
    // Killed with us: pipe(8) defers the message when we die, so sendmail should not
    // queue it as well. Only when it has already handed the end of the message to
    // postdrop is it too late: that copy is complete, and Postfix delivers it twice
    // (the same window as after sendmail's exit and before ours).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // we died before prctl took effect
    ::execve(args[0], args.data(), environ);
    exec_errno = errno;
    ::_exit(127);
  }
  if (pid < 0) throw TempFailure(std::string("vfork: ") + std::strerror(errno));
  if (exec_errno != 0) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    throw TempFailure("cannot run " + argv[0] + ": " + std::strerror(exec_errno));
  }
  // A sendmail that hangs (a full queue file system, a stuck postdrop) is killed after
  // timeout_seconds and the message deferred. Left to pipe(8), its command_time_limit
  // would end it with a bounce ("Command time limit exceeded" is a 5.3.0).
  g_timed_out = 0;
  g_child = pid;
  struct sigaction sa {};
  sa.sa_handler = on_alarm;
  ::sigemptyset(&sa.sa_mask);
  ::sigaction(SIGALRM, &sa, nullptr);
  if (timeout_seconds > 0) ::alarm(timeout_seconds);
  // Wait without reaping first, so the alarm cannot kill a process that took the
  // reaped sendmail's pid; then cancel it and reap.
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) < 0) {
    if (errno != EINTR) break;
  }
  ::alarm(0);
  g_child = 0;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw TempFailure(std::string("waitpid: ") + std::strerror(errno));
  }
  if (g_timed_out)
    throw TempFailure(argv[0] + " did not finish within " + std::to_string(timeout_seconds) +
                      " seconds (sendmail-timeout); killed");
  // The first line of what sendmail said, for the log and the deferral reason.
  std::string said(512, '\0');
  ssize_t n = ::pread(err.get(), said.data(), said.size(), 0);
  said.resize(n > 0 ? static_cast<size_t>(n) : 0);
  said = said.substr(0, said.find('\n'));
  if (!said.empty()) said = " (" + said + ")";
  if (WIFSIGNALED(status))
    throw TempFailure(argv[0] + " killed by signal " + std::to_string(WTERMSIG(status)) + said);
  if (WEXITSTATUS(status) == 127) throw TempFailure("cannot run " + argv[0] + said);
  if (WEXITSTATUS(status) != 0)
    throw TempFailure(argv[0] + " exited with status " + std::to_string(WEXITSTATUS(status)) +
                      said);
}

}  // namespace postseal::filter
