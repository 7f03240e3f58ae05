/// \file
/// The pipe-mode skeleton: options, keys, sign, reinject, exit code.
#include "config.h"
#include "filter/pipe_filter.h"

#include <iostream>
#include <optional>

#include <boost/program_options.hpp>
#include <sysexits.h>
#include <unistd.h>

#include "config/host_list.h"
#include "config/key_store.h"
#include "config/options.h"
#include "config/text_file.h"
#include "dkim/canon.h"
#include "filter/pipe_args.h"
#include "filter/reinject.h"
#include "io/sign_pipeline.h"
#include "log/logger.h"
#include "util/clock.h"
#include "util/errors.h"

namespace po = boost::program_options;

namespace postseal::filter {
namespace {

// Everything that is not "reinjected" is a deferral; the text carries a 4.x.x code so
// pipe(8) defers even if the exit code were misread.
int defer(const std::string& code, const std::string& text) {
  std::cerr << code << " postseal-filter: " << text << "\n";
  return EX_TEMPFAIL;
}

config::KeyStore make_keys(const config::Settings& s) {
  if (!s.str("key-table").empty() || !s.str("signing-table").empty()) {
    if (s.str("key-table").empty() || s.str("signing-table").empty())
      throw ConfigError("key-table and signing-table go together");
    config::KeyStoreOptions o;
    o.key_table = s.str("key-table");
    o.signing_table = s.str("signing-table");
    o.require_safe_keys = s.flag("require-safe-keys");
    o.multiple_signatures = s.flag("multiple-signatures");
    o.sub_domains = s.flag("sub-domains");
    return config::KeyStore::load(o);
  }
  if (!s.str("domain").empty() || !s.str("key-file").empty()) {
    if (s.str("domain").empty() || s.str("selector").empty() || s.str("key-file").empty())
      throw ConfigError("domain, selector and key-file go together");
    return config::KeyStore::single(s.str("domain"), s.str("selector"), s.str("key-file"),
                                    s.flag("require-safe-keys"), s.flag("sub-domains"));
  }
  return config::KeyStore();
}

// The internal-hosts list: inline entries (split at commas and blanks, never at the
// colons of IPv6 addresses), or a file when the value is a path.
config::HostList make_hosts(const config::Settings& s) {
  auto list = config::HostList::from_value(s.str("internal-hosts"));
  if (!list.ok()) throw ConfigError("internal-hosts: " + list.message());
  return *list;
}

}  // namespace

int run_pipe_filter(const std::vector<std::string>& argv) {
  SplitArgs split = split_args(argv);
  po::options_description desc("postseal-filter options");
  desc.add_options()("help,h", "show this help and exit")("version,V", "show the version")(
      "check-config", "validate the configuration, print the effective settings, and exit")(
      "sender,f", po::value<std::string>(), "envelope sender (${sender})")(
      "queue-id", po::value<std::string>()->default_value(""), "Postfix queue ID for logs")(
      "client-address", po::value<std::string>()->default_value(""), "${client_address}")(
      "sasl-username", po::value<std::string>()->default_value(""), "${sasl_username}")(
      "client-hostname", po::value<std::string>()->default_value(""), "${client_hostname}")(
      "verbose,v", "also log to stderr");
  config::Settings::describe(desc, config::kFilter);
  po::variables_map vm;
  std::optional<config::Settings> settings;
  std::string config_file;
  try {
    po::store(po::command_line_parser(split.options).options(desc).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << "usage: postseal-filter [options] -f SENDER -- RECIPIENT...\n" << desc;
      return 0;
    }
    if (vm.count("version")) {
      std::cout << "postseal-filter " PACKAGE_VERSION "\n";
      return 0;
    }
    config_file = config::config_file_to_read(vm);
    settings = config::Settings::load(vm, config_file, config::kFilter);
  } catch (const po::error& e) {
    if (vm.count("check-config")) {
      std::cerr << "postseal-filter: " << e.what() << "\n";
      return EX_USAGE;
    }
    return defer("4.3.5", std::string("usage: ") + e.what());
  } catch (const ConfigError& e) {
    if (vm.count("check-config")) {
      std::cerr << "postseal-filter: config: " << e.what() << "\n";
      return EX_CONFIG;
    }
    return defer("4.3.5", std::string("config: ") + e.what());
  }

  log::Logger logger("postseal-filter", settings->str("log-file"), vm.count("verbose") > 0);
  const std::string qid = vm["queue-id"].as<std::string>();
  try {
    config::KeyStore keys = make_keys(*settings);
    config::HostList internal = make_hosts(*settings);
    if (vm.count("check-config")) {
      std::cout << settings->dump(false);
      return 0;
    }
    if (!vm.count("sender")) throw UsageError("missing -f SENDER");
    if (split.recipients.empty()) throw UsageError("no recipients after --");

    io::SignOptions so;
    auto canon = dkim::parse_canon_pair(settings->str("canonicalization"));
    if (!canon) throw ConfigError("bad canonicalization");
    so.header_canon = canon->first;
    so.body_canon = canon->second;
    if (!settings->list("sign-headers").empty())
      so.policy.sign = settings->list("sign-headers");
    so.policy.oversign = settings->list("oversign-headers");
    so.policy.omit = settings->list("omit-headers");
    if (settings->uint("signature-expiry") > 0)
      so.expire_after = static_cast<int64_t>(settings->uint("signature-expiry"));
    so.body_length = settings->flag("body-length");
    SystemClock clock;
    so.now = clock.now();

    // With internal-hosts set, only our own clients' mail is signed: SASL users, local
    // submissions (no client address) and listed networks. Other mail passes unsigned.
    const std::string client = vm["client-address"].as<std::string>();
    bool ours = internal.empty() || !vm["sasl-username"].as<std::string>().empty() ||
                client.empty() ||
                internal.matches(client, vm["client-hostname"].as<std::string>());
    io::SignPipeline pipeline(
        [&](const std::string& a) {
          return ours ? keys.keys_for(a) : std::vector<config::SigningKey>();
        },
        so);
    io::SignOutcome outcome = pipeline.run(STDIN_FILENO);
    switch (outcome.kind) {
      case io::SignOutcome::Kind::kSigned:
        logger.signed_message(qid, outcome.author, outcome.keys);
        break;
      case io::SignOutcome::Kind::kNotOurs:
        logger.not_signed(qid, outcome.author,
                          ours ? outcome.reason : "client " + client + " is not internal");
        break;
      case io::SignOutcome::Kind::kUnsignable:
        logger.not_signed(qid, outcome.author, outcome.reason);
        if (settings->str("sign-failure-action") == "tempfail")
          return defer("4.7.0", "message not signed: " + outcome.reason +
                                    " (sign-failure-action = tempfail)");
        break;
    }
    reinject(sendmail_argv(settings->str("sendmail-path"), vm["sender"].as<std::string>(),
                           split.recipients),
             [&](int fd) { pipeline.write_to(fd); });
    logger.reinjected(qid, split.recipients.size());
    return 0;
  } catch (const ConfigError& e) {
    logger.warning(qid, std::string("config: ") + e.what());
    if (vm.count("check-config")) {
      std::cerr << "postseal-filter: config: " << e.what() << "\n";
      return EX_CONFIG;
    }
    return defer("4.3.5", std::string("config: ") + e.what());
  } catch (const UsageError& e) {
    logger.warning(qid, std::string("usage: ") + e.what());
    return defer("4.3.5", std::string("usage: ") + e.what());
  } catch (const TempFailure& e) {
    logger.warning(qid, e.what());
    return defer("4.3.0", e.what());
  } catch (const std::exception& e) {
    logger.warning(qid, e.what());
    return defer("4.3.0", e.what());
  }
}

}  // namespace postseal::filter
