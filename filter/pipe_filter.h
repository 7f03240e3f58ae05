/// \file
/// postseal-filter's pipe mode: one message from stdin, signed when it is ours, handed
/// back to Postfix with sendmail. Returns the exit code for pipe(8): 0 after sendmail
/// accepted the message, 75 (EX_TEMPFAIL) for everything else, with one stderr line
/// that starts with a 4.x.x enhanced status code (STYLE.md §1: any other code bounces).
#ifndef POSTSEAL_FILTER_PIPE_FILTER_H
#define POSTSEAL_FILTER_PIPE_FILTER_H

#include <string>
#include <vector>

namespace postseal::filter {

/// Runs the filter for argv (without argv[0]). Never throws.
int run_pipe_filter(const std::vector<std::string>& argv);

}  // namespace postseal::filter

#endif  // POSTSEAL_FILTER_PIPE_FILTER_H
