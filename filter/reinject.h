/// \file
/// Hands a message back to Postfix through sendmail(1), run with execv (never a shell).
/// Success only when sendmail exited 0: that is when Postfix has the message queued.
#ifndef POSTSEAL_FILTER_REINJECT_H
#define POSTSEAL_FILTER_REINJECT_H

#include <functional>
#include <string>
#include <vector>

namespace postseal::filter {

/// Runs argv[0] with argv, calls `write(fd)` to send the message to its stdin, and waits.
/// Returns normally only if the program exited 0. Throws TempFailure describing the
/// failure otherwise (could not start, write error, non-zero exit, killed by a signal).
void reinject(const std::vector<std::string>& argv, const std::function<void(int fd)>& write);

}  // namespace postseal::filter

#endif  // POSTSEAL_FILTER_REINJECT_H
