/// \file
/// postseal check-dns DOMAIN: audits a sending domain (lib/audit) and prints one line per
/// finding, "SECTION LEVEL: text", grouped by section and ending with the verdict
/// against the large mailbox providers' sender requirements; --json prints the same as
/// one JSON object for scripts. Exit 0 when nothing failed, 1 when something did, 75
/// when nothing failed but a DNS error left a check undecided.
#include <algorithm>
#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>
#include <sysexits.h>

#include "audit/domain_audit.h"
#include "config/key_store.h"
#include "config/options.h"
#include "config/relay.h"
#include "dns/unbound_resolver.h"
#include "tools/commands.h"
#include "tools/message_args.h"
#include "util/ascii.h"
#include "util/errors.h"

namespace po = boost::program_options;

namespace postseal::tools {
namespace {

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

int run_check_dns(const std::vector<std::string>& args) {
  po::options_description desc("postseal check-dns options");
  desc.add_options()("help,h", "show this help")(
      "dkim-selector", po::value<std::vector<std::string>>()->composing(),
      "a DKIM selector to check (repeat; the KeyTable's selectors of DOMAIN are added)")(
      "ip", po::value<std::string>(), "the sending address: SPF result and reverse DNS")(
      "mail-from-domain", po::value<std::string>(),
      "the envelope (MAIL FROM) domain when it is not DOMAIN (e.g. a custom MAIL FROM "
      "domain for Amazon SES)")("region", po::value<std::string>(),
                                "with --relay ses: the SES region (e.g. eu-west-1) whose "
                                "feedback endpoint the MAIL FROM MX must name")(
      "json", "print one JSON object instead of lines");
  config::Settings::describe(desc, config::kKeyTool);
  po::variables_map vm = parse_tool_args(args, desc, "domain");
  if (vm.count("help")) {
    std::cout << "usage: postseal check-dns DOMAIN [--dkim-selector S]... [--ip ADDRESS] "
                 "[--mail-from-domain D] [--relay ses [--region R]] [--json]\n"
              << desc;
    return 0;
  }
  auto settings = config::Settings::load(vm, config::config_file_to_read(vm), config::kKeyTool);
  audit::AuditOptions o;
  o.domain = ascii_lower(settings.str("domain"));
  if (o.domain.empty()) throw UsageError("name the DOMAIN to check");
  if (vm.count("dkim-selector"))
    o.selectors = vm["dkim-selector"].as<std::vector<std::string>>();
  if (!settings.str("selector").empty()) o.selectors.push_back(settings.str("selector"));
  if (!settings.str("key-table").empty() && !settings.str("signing-table").empty()) {
    config::KeyStoreOptions ko;
    ko.key_table = settings.str("key-table");
    ko.signing_table = settings.str("signing-table");
    ko.require_safe_keys = settings.flag("require-safe-keys");
    for (const auto& k : config::KeyStore::load(ko).all_keys())
      if (k.domain == o.domain || k.domain == "%") o.selectors.push_back(k.selector);
  }
  std::sort(o.selectors.begin(), o.selectors.end());
  o.selectors.erase(std::unique(o.selectors.begin(), o.selectors.end()), o.selectors.end());
  if (vm.count("ip")) o.ip = vm["ip"].as<std::string>();
  if (vm.count("mail-from-domain"))
    o.mail_from_domain = vm["mail-from-domain"].as<std::string>();

  auto relay = config::parse_relay(settings.str("relay"));
  if (!relay) throw UsageError("--relay must be none or ses");
  o.relay = *relay;
  if (vm.count("region")) o.region = ascii_lower(vm["region"].as<std::string>());

  auto resolver = dns::UnboundResolver::create(dns::unbound_options(settings));
  if (!resolver.ok()) throw ConfigError(resolver.message());
  audit::Audit a = audit::audit_domain(**resolver, o);
  audit::Level worst = a.worst();

  if (vm.count("json")) {
    std::cout << "{\"domain\":" << json_string(o.domain)
              << ",\"result\":" << json_string(audit::to_string(worst)) << ",\"findings\":[";
    for (size_t i = 0; i < a.findings.size(); ++i) {
      const auto& f = a.findings[i];
      std::cout << (i ? "," : "") << "{\"section\":" << json_string(f.section)
                << ",\"level\":" << json_string(ascii_lower(audit::to_string(f.level)))
                << ",\"text\":" << json_string(f.text) << "}";
    }
    std::cout << "]}\n";
  } else {
    std::cout << "check-dns " << o.domain << "\n";
    for (const auto& f : a.findings)
      std::cout << f.section << " " << audit::to_string(f.level) << ": " << f.text << "\n";
    std::cout << "result " << audit::to_string(worst) << "\n";
  }
  if (worst == audit::Level::kFail) return 1;
  if (worst == audit::Level::kTempError) return EX_TEMPFAIL;
  return 0;
}

}  // namespace postseal::tools
