/// \file
/// postseal testkey: fetches the published DKIM key record of one selector (--domain,
/// --selector, optionally --key-file) or of every key of the KeyTable, and checks it
/// against the private key (lib/dkim/key_probe). One line per key, after the CNAME hops
/// that led to it, "OUTCOME d=DOMAIN s=SELECTOR: reason and fix", and an exit code per
/// outcome (the first key that is not OK decides), listed in postseal(1).
#include <iostream>
#include <memory>

#include <boost/program_options.hpp>
#include <sysexits.h>

#include "config/key_store.h"
#include "config/options.h"
#include "dkim/key_probe.h"
#include "dns/unbound_resolver.h"
#include "tools/commands.h"
#include "tools/message_args.h"
#include "util/errors.h"

namespace po = boost::program_options;

namespace postseal::tools {

int testkey_exit_code(dkim::KeyOutcome o) {
  switch (o) {
    case dkim::KeyOutcome::kOk:
      return 0;
    case dkim::KeyOutcome::kMismatch:
      return 1;
    case dkim::KeyOutcome::kNotFound:
      return 2;
    case dkim::KeyOutcome::kCnameBroken:
      return 3;
    case dkim::KeyOutcome::kBadSplit:
      return 4;
    case dkim::KeyOutcome::kInvalid:
      return 5;
    case dkim::KeyOutcome::kRevoked:
      return 6;
    case dkim::KeyOutcome::kTooShort:
      return 7;
    case dkim::KeyOutcome::kTesting:
      return 8;
    case dkim::KeyOutcome::kTcpOnly:
      return 9;
    case dkim::KeyOutcome::kDnsError:
      return EX_TEMPFAIL;
  }
  return EX_SOFTWARE;
}

void print_key_probe(const dkim::KeyProbe& p, std::string_view domain,
                     std::string_view selector, std::string_view indent) {
  for (const auto& hop : p.hops) std::cout << indent << "cname " << hop << "\n";
  std::cout << indent << dkim::to_string(p.outcome) << " d=" << domain << " s=" << selector
            << ": " << p.message << "\n";
}

int run_testkey(const std::vector<std::string>& args) {
  po::options_description desc("postseal testkey options");
  desc.add_options()("help,h", "show this help");
  config::Settings::describe(desc, config::kKeyTool);
  po::variables_map vm = parse_tool_args(args, desc);
  if (vm.count("help")) {
    std::cout << "usage: postseal testkey --domain D --selector S [--key-file FILE] [options]\n"
                 "       postseal testkey [--config FILE | --key-table FILE --signing-table "
                 "FILE]\n"
              << desc;
    return 0;
  }
  auto settings = config::Settings::load(vm, config::config_file_to_read(vm), config::kKeyTool);

  // Which keys: the selector named on the command line or in the file, else every key
  // of the KeyTable.
  struct Target {
    std::string domain, selector;
    std::shared_ptr<const dkim::PrivateKey> key;
  };
  std::vector<Target> targets;
  const std::string& domain = settings.str("domain");
  const std::string& selector = settings.str("selector");
  if (!domain.empty() || !selector.empty()) {
    if (domain.empty() || selector.empty())
      throw UsageError("--domain and --selector go together");
    std::shared_ptr<const dkim::PrivateKey> key;
    if (!settings.str("key-file").empty())
      key = config::load_key_file(settings.str("key-file"), settings.flag("require-safe-keys"));
    targets.push_back({domain, selector, key});
  } else if (!settings.str("key-table").empty()) {
    config::KeyStoreOptions o;
    o.key_table = settings.str("key-table");
    o.signing_table = settings.str("signing-table");
    o.require_safe_keys = settings.flag("require-safe-keys");
    for (auto& k : config::KeyStore::load(o).all_keys()) {
      if (k.domain == "%") {
        std::cout << "skipped s=" << k.selector
                  << ": its KeyTable domain is \"%\" (the author's domain); test it with "
                     "--domain D --selector "
                  << k.selector << "\n";
        continue;
      }
      targets.push_back({k.domain, k.selector, k.key});
    }
  } else {
    throw UsageError("name a key: --domain D --selector S [--key-file FILE], or a key-table");
  }

  auto resolver = dns::UnboundResolver::create(dns::unbound_options(settings));
  if (!resolver.ok()) throw ConfigError(resolver.message());
  int code = 0;
  for (const auto& t : targets) {
    dkim::KeyProbe p = dkim::probe_key(**resolver, t.domain, t.selector, t.key.get());
    print_key_probe(p, t.domain, t.selector, "");
    if (code == 0) code = testkey_exit_code(p.outcome);
  }
  return code;
}

}  // namespace postseal::tools
