/// \file
/// postseal sign: reads a message, writes it DKIM-signed to stdout through the shared
/// spool-and-sign pipeline (lib/io), so memory stays constant for any message size and
/// the output is the input, byte for byte, under the new signature fields.
#include <sysexits.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "config/key_store.h"
#include "config/options.h"
#include "dkim/signer.h"
#include "io/sign_pipeline.h"
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
      "config,c", po::value<std::string>(),
      "read key-table, signing-table, canonicalization and header lists from this file")(
      "key,k", po::value<std::vector<std::string>>()->composing(),
      "private key file; repeat with --selector for several signatures")(
      "selector,s", po::value<std::vector<std::string>>()->composing(),
      "selector (s=) for each --key, in order")(
      "domain,d", po::value<std::string>(), "signing domain (d=) for --key")(
      "keytable", po::value<std::string>(), "OpenDKIM KeyTable file (also --key-table)")(
      "key-table", po::value<std::string>(), "same as --keytable")(
      "signingtable", po::value<std::string>(),
      "OpenDKIM SigningTable file, refile:PATH for wildcards (also --signing-table)")(
      "signing-table", po::value<std::string>(), "same as --signingtable")(
      "canon", po::value<std::string>(), "header/body canonicalization (default: relaxed/relaxed)")(
      "algo", po::value<std::string>(),
      "require this algorithm: rsa-sha256 or ed25519-sha256 (default: from the key)")(
      "headers", po::value<std::string>(),
      "colon-separated fields to sign (default: RFC 6376 5.4.1 list and MIME fields)")(
      "oversign-headers", po::value<std::string>(), "fields signed once more (default: From)")(
      "omit-headers", po::value<std::string>(),
      "fields never signed, e.g. Message-ID:Date for Amazon SES")(
      "identity,i", po::value<std::string>(), "i= agent or user identifier")(
      "expire", po::value<int64_t>(), "add x= this many seconds after t=")(
      "body-length", "add l= (the signed body length)")(
      "timestamp", po::value<int64_t>(), "use this t= instead of the current time")(
      "require-safe-keys", po::value<std::string>()->implicit_value("yes"),
      "refuse key files readable by group or others (default: yes)");
  po::variables_map vm = parse_message_args(args, desc);
  if (vm.count("help")) {
    std::cout << "usage: postseal sign [options] [FILE]\n" << desc;
    return 0;
  }

  // Settings from the config file, when one is named; the command line overrides it.
  std::string key_table, signing_table, canon_text = "relaxed/relaxed";
  dkim::HeaderPolicy policy = dkim::HeaderPolicy::defaults();
  bool require_safe = true, body_length = vm.count("body-length") > 0;
  std::optional<int64_t> expire;
  if (vm.count("config")) {
    po::variables_map none;
    auto settings =
        config::Settings::load(none, vm["config"].as<std::string>(), config::kTool);
    key_table = settings.str("key-table");
    signing_table = settings.str("signing-table");
    canon_text = settings.str("canonicalization");
    if (!settings.list("sign-headers").empty()) policy.sign = settings.list("sign-headers");
    policy.oversign = settings.list("oversign-headers");
    policy.omit = settings.list("omit-headers");
    require_safe = settings.flag("require-safe-keys");
    body_length = body_length || settings.flag("body-length");
    if (settings.uint("signature-expiry") > 0)
      expire = static_cast<int64_t>(settings.uint("signature-expiry"));
  }
  auto opt = [&](const char* a, const char* b, std::string& into) {
    if (vm.count(a)) into = vm[a].as<std::string>();
    if (b && vm.count(b)) into = vm[b].as<std::string>();
  };
  opt("keytable", "key-table", key_table);
  opt("signingtable", "signing-table", signing_table);
  opt("canon", nullptr, canon_text);
  if (vm.count("headers")) policy.sign = config::split_list(vm["headers"].as<std::string>());
  if (vm.count("oversign-headers")) policy.oversign = config::split_list(vm["oversign-headers"].as<std::string>());
  if (vm.count("omit-headers")) policy.omit = config::split_list(vm["omit-headers"].as<std::string>());
  if (vm.count("require-safe-keys")) {
    auto b = config::parse_bool(vm["require-safe-keys"].as<std::string>());
    if (!b.ok()) throw UsageError("--require-safe-keys: " + b.message());
    require_safe = *b;
  }
  if (vm.count("expire")) expire = vm["expire"].as<int64_t>();
  auto canon = dkim::parse_canon_pair(canon_text);
  if (!canon) throw UsageError("--canon must be simple or relaxed, optionally /simple or /relaxed");

  // Keys: explicit --key/--selector pairs, or the tables chosen by the From domain.
  std::vector<std::string> keys, selectors;
  if (vm.count("key")) keys = vm["key"].as<std::vector<std::string>>();
  if (vm.count("selector")) selectors = vm["selector"].as<std::vector<std::string>>();
  std::vector<config::SigningKey> explicit_keys;
  std::optional<config::KeyStore> store;
  if (!keys.empty()) {
    if (!vm.count("domain")) throw UsageError("--key needs --domain");
    if (selectors.size() != keys.size())
      throw UsageError("give one --selector for each --key");
    for (size_t i = 0; i < keys.size(); ++i)
      explicit_keys.push_back(config::SigningKey{vm["domain"].as<std::string>(), selectors[i],
                                                 config::load_key_file(keys[i], require_safe)});
  } else if (!key_table.empty() && !signing_table.empty()) {
    config::KeyStoreOptions o;
    o.key_table = key_table;
    o.signing_table = signing_table;
    o.require_safe_keys = require_safe;
    store = config::KeyStore::load(o);
  } else {
    throw UsageError("no key: give --key, --selector and --domain, or --keytable and --signingtable");
  }
  if (vm.count("algo")) {
    std::string a = vm["algo"].as<std::string>();
    if (a != "rsa-sha256" && a != "ed25519-sha256")
      throw UsageError("--algo must be rsa-sha256 or ed25519-sha256");
    for (const auto& k : explicit_keys)
      if (dkim::algorithm_name(k.key->type()) != a)
        throw ConfigError("key for selector " + k.selector + " cannot make " + a + " signatures");
  }

  UniqueFd in_owned;
  int in = open_message_input(vm, in_owned);

  io::SignOptions so;
  so.header_canon = canon->first;
  so.body_canon = canon->second;
  so.policy = policy;
  if (vm.count("identity")) so.identity = vm["identity"].as<std::string>();
  so.expire_after = expire;
  so.body_length = body_length;
  SystemClock system_clock;
  so.now = vm.count("timestamp") ? vm["timestamp"].as<int64_t>() : system_clock.now();
  io::SignPipeline pipeline(
      [&](const std::string& author) { return store ? store->keys_for(author) : explicit_keys; },
      so);
  io::SignOutcome outcome = pipeline.run(in);
  if (outcome.kind != io::SignOutcome::Kind::kSigned) {
    std::cerr << "postseal sign: message not signed: " << outcome.reason
              << (outcome.author.empty() ? "" : " <" + outcome.author + ">") << "\n";
    return EX_DATAERR;
  }
  pipeline.write_to(STDOUT_FILENO);
  return 0;
}

}  // namespace postseal::tools
