/// \file
/// postseal sign: reads a message, writes it DKIM-signed to stdout. It runs the message
/// session (lib/session) in sign mode, so memory stays constant for any message size and
/// the output is the input, byte for byte, under the new signature fields. Options are
/// the option table's, with the names postseal.conf uses.
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <sysexits.h>
#include <unistd.h>

#include "config/key_store.h"
#include "config/options.h"
#include "io/fd_io.h"
#include "session/session.h"
#include "session/settings.h"
#include "tools/commands.h"
#include "tools/message_args.h"
#include "util/clock.h"
#include "util/errors.h"
#include "util/unique_fd.h"

namespace po = boost::program_options;

namespace postseal::tools {

int run_sign(const std::vector<std::string>& args) {
  po::options_description desc("postseal sign options");
  desc.add_options()("help,h", "show this help")(
      "identity,i", po::value<std::string>(), "i= agent or user identifier (d= or below it)")(
      "timestamp", po::value<int64_t>(), "use this t= instead of the current time");
  config::Settings::describe(desc, config::kSignTool);
  po::variables_map vm = parse_message_args(args, desc);
  if (vm.count("help")) {
    std::cout << "usage: postseal sign [options] [FILE]\n"
                 "Signs with domain, selector and key-file, or with key-table and "
                 "signing-table\n(chosen by the From address), from the command line or "
                 "the configuration file.\n"
              << desc;
    return 0;
  }
  auto settings =
      config::Settings::load(vm, config::config_file_to_read(vm), config::kSignTool);
  if (settings.str("key-table").empty() && settings.str("signing-table").empty() &&
      settings.str("domain").empty() && settings.str("key-file").empty())
    throw UsageError(
        "no key: give --domain, --selector and --key-file, or --key-table and --signing-table");
  config::KeyStore keys = session::key_store(settings);

  session::Setup setup;
  setup.keys = [&keys](const std::string& author) { return keys.keys_for(author); };
  setup.sign = session::sign_options(settings);
  setup.limits = session::parse_limits(settings);
  if (vm.count("identity")) setup.sign.identity = vm["identity"].as<std::string>();
  SystemClock clock;
  int64_t now = vm.count("timestamp") ? vm["timestamp"].as<int64_t>() : clock.now();

  UniqueFd in_owned;
  int in = open_message_input(vm, in_owned);
  session::Session message(setup, session::Plan{true, false, "", {}}, now);
  io::read_all(in, "message", [&](std::string_view d) { message.feed(d); });
  message.finish();
  if (message.disposition() != session::Disposition::kAccept)
    throw TempFailure(message.disposition_reason());
  const session::Verdicts& v = message.verdicts();
  if (v.sign.kind != session::SignVerdict::Kind::kSigned) {
    std::cerr << "postseal sign: message not signed: " << v.sign.reason
              << (v.author.empty() ? "" : " <" + v.author + ">") << "\n";
    return EX_DATAERR;
  }
  message.write_to([](std::string_view d) { io::write_all(STDOUT_FILENO, d, "output"); });
  return 0;
}

}  // namespace postseal::tools
