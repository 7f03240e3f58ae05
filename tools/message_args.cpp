/// \file
/// Command line and input of the message-reading subcommands (message_args.h).
#include "tools/message_args.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include "config/options.h"
#include "util/errors.h"

namespace po = boost::program_options;

namespace postseal::tools {

po::variables_map parse_tool_args(const std::vector<std::string>& args,
                                  const po::options_description& desc, const char* operand,
                                  int operands) {
  po::positional_options_description pos;
  if (*operand != '\0') pos.add(operand, operands);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(config::explicit_flags(args))
                  .options(desc)
                  .positional(pos)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return vm;
}

po::variables_map parse_message_args(const std::vector<std::string>& args,
                                     po::options_description& desc) {
  desc.add_options()("input", po::value<std::string>(), "message file (default: stdin)");
  return parse_tool_args(args, desc, "input");
}

int open_message_input(const po::variables_map& vm, UniqueFd& owned) {
  if (!vm.count("input")) return STDIN_FILENO;
  const std::string& path = vm["input"].as<std::string>();
  owned.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!owned) throw TempFailure("cannot open " + path + ": " + std::strerror(errno));
  return owned.get();
}

}  // namespace postseal::tools
