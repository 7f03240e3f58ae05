/// \file
/// fork/execv of sendmail with the message on a pipe.
#include "filter/reinject.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
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
  pid_t pid = ::fork();
  if (pid < 0) throw TempFailure(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::dup2(rd.get(), STDIN_FILENO);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
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
  if (WIFSIGNALED(status))
    throw TempFailure(argv[0] + " killed by signal " + std::to_string(WTERMSIG(status)));
  if (WEXITSTATUS(status) == 127)
    throw TempFailure("cannot run " + argv[0]);
  if (WEXITSTATUS(status) != 0)
    throw TempFailure(argv[0] + " exited with status " + std::to_string(WEXITSTATUS(status)));
  if (!write_error.empty()) throw TempFailure(write_error);
}

}  // namespace postseal::filter
