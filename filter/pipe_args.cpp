/// \file
/// pipe(8) argv handling.
#include "filter/pipe_args.h"

namespace postseal::filter {

SplitArgs split_args(const std::vector<std::string>& argv) {
  SplitArgs out;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (!out.had_separator && argv[i] == "--") {
      out.had_separator = true;
      continue;
    }
    (out.had_separator ? out.recipients : out.options).push_back(argv[i]);
  }
  return out;
}

std::vector<std::string> sendmail_argv(const std::string& sendmail, const std::string& sender,
                                       const std::vector<std::string>& recipients) {
  // -G: this is not a submission, do not "fix" headers; -i: a lone dot is not the end.
  std::vector<std::string> v = {sendmail, "-G", "-i", "-f", sender, "--"};
  v.insert(v.end(), recipients.begin(), recipients.end());
  return v;
}

}  // namespace postseal::filter
