/// \file
/// Setup from Settings.
#include "session/settings.h"

#include "config/host_list.h"
#include "config/relay.h"
#include "dkim/canon.h"
#include "util/errors.h"
#include "util/host_name.h"

namespace postseal::session {

SignOptions sign_options(const config::Settings& s) {
  SignOptions o;
  auto canon = dkim::parse_canon_pair(s.str("canonicalization"));
  if (!canon) throw ConfigError("canonicalization: expected simple or relaxed");
  o.header_canon = canon->first;
  o.body_canon = canon->second;
  if (!s.list("sign-headers").empty()) o.policy.sign = s.list("sign-headers");
  o.policy.oversign = s.list("oversign-headers");
  o.policy.omit = s.list("omit-headers");
  // A relay that rewrites fields after we sign would break a signature over them.
  auto relay = config::parse_relay(s.str("relay"));
  if (!relay) throw ConfigError("relay: expected none or ses");
  for (auto& name : config::relay_unsigned_headers(*relay)) o.policy.omit.push_back(name);
  if (s.uint("signature-expiry") > 0)
    o.expire_after = static_cast<int64_t>(s.uint("signature-expiry"));
  o.body_length = s.flag("body-length");
  return o;
}

config::KeyStore key_store(const config::Settings& s) {
  if (!s.str("key-table").empty() || !s.str("signing-table").empty()) {
    if (s.str("key-table").empty() || s.str("signing-table").empty())
      throw ConfigError("key-table and signing-table go together");
    config::KeyStoreOptions o;
    o.key_table = s.str("key-table");
    o.signing_table = s.str("signing-table");
    o.require_safe_keys = s.flag("require-safe-keys");
    o.key_user = s.str("user");
    o.multiple_signatures = s.flag("multiple-signatures");
    o.sub_domains = s.flag("sub-domains");
    return config::KeyStore::load(o);
  }
  if (!s.str("domain").empty() || !s.str("key-file").empty()) {
    if (s.str("domain").empty() || s.str("selector").empty() || s.str("key-file").empty())
      throw ConfigError("domain, selector and key-file go together");
    return config::KeyStore::single(s.str("domain"), s.str("selector"), s.str("key-file"),
                                    s.flag("require-safe-keys"), s.flag("sub-domains"),
                                    s.str("user"));
  }
  return config::KeyStore();
}

std::string authserv_id(const config::Settings& s) {
  return s.str("authserv-id").empty() ? host_name() : s.str("authserv-id");
}

std::string receiver(const config::Settings& s) {
  return s.str("receiver").empty() ? host_name() : s.str("receiver");
}

dmarc::Overrides dmarc_overrides(const config::Settings& s) {
  dmarc::Overrides o;
  auto list = [&](const char* name) {
    auto l = config::HostList::from_value(s.str(name));
    if (!l.ok()) throw ConfigError(std::string(name) + ": " + l.message());
    return *l;
  };
  auto reason = [&](const char* name) {
    auto r = dmarc::parse_override_reason(s.str(name));
    if (!r)
      throw ConfigError(std::string(name) +
                        ": expected local_policy, mailing_list, trusted_forwarder or other");
    return *r;
  };
  o.networks = list("dmarc-override-networks");
  o.networks_reason = reason("dmarc-override-networks-reason");
  o.domains = list("dmarc-override-domains");
  o.domains_reason = reason("dmarc-override-domains-reason");
  return o;
}

mail::ParseLimits parse_limits(const config::Settings& s) {
  mail::ParseLimits l;
  l.max_header_fields = s.uint("max-header-fields");
  l.max_field_bytes = s.uint("header-field-size-limit");
  l.max_header_bytes = s.uint("header-size-limit");
  return l;
}

dns::LimitedResolver::Limits dns_limits(const config::Settings& s) {
  dns::LimitedResolver::Limits l;
  l.max_queries = s.uint("dns-lookup-limit");
  l.time = std::chrono::seconds(s.uint("message-time-limit"));
  return l;
}

Setup filter_setup(const config::Settings& s, const config::KeyStore& keys) {
  Setup setup;
  auto mode = parse_mode(s.str("mode"));
  if (!mode) throw ConfigError("mode: expected sign, verify or auto");
  setup.mode = *mode;
  setup.keys = [&keys](const std::string& author) { return keys.keys_for(author); };
  auto hosts = config::HostList::from_value(s.str("internal-hosts"));
  if (!hosts.ok()) throw ConfigError("internal-hosts: " + hosts.message());
  setup.internal_hosts = *hosts;
  setup.sign = sign_options(s);
  setup.tempfail_unsignable = s.str("sign-failure-action") == "tempfail";
  setup.authserv_id = authserv_id(s);
  setup.verify.max_signatures = s.uint("max-signatures");
  setup.dmarc = s.flag("dmarc");
  setup.dmarc_overrides = dmarc_overrides(s);
  setup.reject_multiple_from = s.flag("reject-multiple-from");
  setup.receiver = receiver(s);
  setup.limits = parse_limits(s);
  setup.dns_limits = dns_limits(s);
  return setup;
}

}  // namespace postseal::session
