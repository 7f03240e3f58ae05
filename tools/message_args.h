/// \file
/// What the postseal subcommands share: parsing their command line; and for those that
/// read one message, a command line with an
/// optional FILE operand (the "input" option), and opening that file or standard input.
/// Tools code: may do I/O; throws only UsageError and TempFailure.
#ifndef POSTSEAL_TOOLS_MESSAGE_ARGS_H
#define POSTSEAL_TOOLS_MESSAGE_ARGS_H

#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "util/unique_fd.h"

namespace postseal::tools {

/// Parses a subcommand's `args` against `desc` (bare boolean flags made explicit, see
/// config::explicit_flags); when `operand` is not empty, `operands` positional words
/// (-1: any number) fill that option. Returns the values. Throws UsageError for an
/// unknown option or a bad value.
boost::program_options::variables_map parse_tool_args(
    const std::vector<std::string>& args,
    const boost::program_options::options_description& desc, const char* operand = "",
    int operands = 1);

/// Adds the "input" option (the FILE operand) to `desc`, parses `args` against it and
/// returns the values. Throws UsageError for an unknown option or a bad value.
boost::program_options::variables_map parse_message_args(
    const std::vector<std::string>& args, boost::program_options::options_description& desc);

/// The descriptor to read the message from: FILE when "input" was given (opened into
/// `owned`), else standard input. Throws TempFailure when FILE cannot be opened.
int open_message_input(const boost::program_options::variables_map& vm, UniqueFd& owned);

}  // namespace postseal::tools

#endif  // POSTSEAL_TOOLS_MESSAGE_ARGS_H
