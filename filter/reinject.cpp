/// \file
/// fork/execv of sendmail with the message on a pipe.
#include "filter/reinject.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "util/errors.h"
#include "util/unique_fd.h"

namespace postseal::filter {

void reinject(const std::vector<std::string>& argv, const std::function<void(int fd)>& write) {
  // A sendmail that dies early must give EPIPE (a temporary failure), not kill us.
  ::signal(SIGPIPE, SIG_IGN);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw TempFailure(std::string("pipe: ") + std::strerror(errno));
  UniqueFd rd(fds[0]), wr(fds[1]);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // sendmail's own complaints go to an unlinked file, not to our stderr: pipe(8) reads
  // the enhanced status code only at the start of what we print, so it must come first.
  const char* tmpdir = std::getenv("TMPDIR");
  std::string errpath = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/postseal-err.XXXXXX";
  UniqueFd err(::mkstemp(errpath.data()));
  if (!err) throw TempFailure(std::string("cannot create a temporary file: ") + std::strerror(errno));
  ::unlink(errpath.c_str());
  // posix_spawn (vfork underneath) rather than fork: the child shares our memory until
  // it execs, so no page tables are copied and no page we touch afterwards has to be
  // copied on write. A fork here cost more CPU than signing the message.
  posix_spawn_file_actions_t actions;
  if (int e = ::posix_spawn_file_actions_init(&actions); e != 0)
    throw TempFailure(std::string("posix_spawn: ") + std::strerror(e));
  int e = ::posix_spawn_file_actions_adddup2(&actions, rd.get(), STDIN_FILENO);
  if (e == 0) e = ::posix_spawn_file_actions_adddup2(&actions, err.get(), STDERR_FILENO);
  pid_t pid = -1;
  if (e == 0) e = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  // glibc reports a failed exec as the error of posix_spawn itself; say it the way a
  // child exiting 127 is said below.
  if (e != 0) throw TempFailure("cannot run " + argv[0] + ": " + std::strerror(e));
  rd.reset();
  std::string write_error;
  try {
    write(wr.get());
  } catch (const TempFailure& e) {
    write_error = e.what();
  }
  wr.reset();
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw TempFailure(std::string("waitpid: ") + std::strerror(errno));
  }
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
  if (!write_error.empty()) throw TempFailure(write_error);
}

}  // namespace postseal::filter
