/// \file
/// The pipe(8) command line of postseal-filter: options, then "--", then recipients
/// (master.cf passes ${recipient} after "--" so an address that starts with '-' is never
/// read as an option). Pure.
#ifndef POSTSEAL_FILTER_PIPE_ARGS_H
#define POSTSEAL_FILTER_PIPE_ARGS_H

#include <string>
#include <vector>

namespace postseal::filter {

struct SplitArgs {
  std::vector<std::string> options;     ///< everything before "--"
  std::vector<std::string> recipients;  ///< everything after "--"
  bool had_separator = false;
};

/// Splits argv (without argv[0]) at the first "--".
SplitArgs split_args(const std::vector<std::string>& argv);

/// The sendmail argv that reinjects: SENDMAIL -G -i -f SENDER -- RECIPIENT...
std::vector<std::string> sendmail_argv(const std::string& sendmail, const std::string& sender,
                                       const std::vector<std::string>& recipients);

}  // namespace postseal::filter

#endif  // POSTSEAL_FILTER_PIPE_ARGS_H
