/// \file
/// Hands a message back to Postfix through sendmail(1), run with execv (never a shell).
/// Success only when sendmail exited 0: that is when Postfix has the message queued.
#ifndef POSTSEAL_FILTER_REINJECT_H
#define POSTSEAL_FILTER_REINJECT_H

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace postseal::filter {

/// Where produce() writes the message.
using Sink = std::function<void(std::string_view)>;

/// Calls produce(sink) for the message and keeps it whole (in memory up to 1 MiB, then
/// in an unlinked file in $TMPDIR), then runs argv[0] with argv and the message as its
/// standard input, and waits at most `timeout_seconds` (0: no limit; then it is killed).
/// sendmail is killed if we are (PR_SET_PDEATHSIG). Returns normally only if the
/// program exited 0. Throws TempFailure describing the failure otherwise (the message
/// could not be kept, the program could not start, non-zero exit, killed by a signal,
/// out of time). Uses SIGALRM while it runs; not thread-safe.
void reinject(const std::vector<std::string>& argv,
              const std::function<void(const Sink&)>& produce, unsigned timeout_seconds = 0);

}  // namespace postseal::filter

#endif  // POSTSEAL_FILTER_REINJECT_H
