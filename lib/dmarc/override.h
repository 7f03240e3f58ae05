/// \file
/// The local override list: known forwarders and mailing lists whose mail fails DMARC
/// for reasons of their own and must never be rejected or quarantined. RFC 9989 §5.4
/// leaves the final handling to the Mail Receiver ("MAY choose to accept email that
/// fails ... even if the published Domain Owner Assessment Policy is reject") and asks
/// that the deviation be reported with its reason; the reasons are the policy override
/// types of RFC 9990 §3.1.6. Pure (host lists are matched in memory); an Overrides is
/// immutable once built and may be shared between threads.
#ifndef POSTSEAL_DMARC_OVERRIDE_H
#define POSTSEAL_DMARC_OVERRIDE_H

#include <optional>
#include <string>
#include <string_view>

#include "config/host_list.h"
#include "dmarc/evaluate.h"

namespace postseal::dmarc {

/// The RFC 9990 §3.1.6 override types an administrator may give a list (the fifth,
/// policy_test_mode, is the record's t=y, never a local choice). nullopt for anything
/// else; the word is returned in lower case.
std::optional<std::string> parse_override_reason(std::string_view word);

/// The dmarc-override-* options.
struct Overrides {
  /// Client addresses or networks (and client host names) of forwarders and lists.
  config::HostList networks;
  std::string networks_reason = "trusted_forwarder";
  /// Domains: the Author Domain, or a domain the message authenticated (an SPF pass
  /// for it, or a DKIM pass with it as d=). "example.com" is that name, ".example.com"
  /// its subdomains (config::HostList name entries).
  config::HostList domains;
  std::string domains_reason = "local_policy";

  bool empty() const { return networks.empty() && domains.empty(); }
};

/// Applies the lists to an evaluation of `input` for a message from the client
/// `address` (as Postfix prints it; empty for a local submission) with the host name
/// `hostname` (may be empty). Only a failing message whose policy asks for quarantine
/// or reject (Evaluation::disposition, after t=) is exempted: then `e.applied` becomes
/// kNone and `e.override_reason` / `e.override_comment` say which list matched what.
/// The networks list is tried first. An unauthenticated identifier (SPF not pass, a
/// DKIM signature that did not verify) never matches, so a forger cannot claim a
/// forwarder's domain in MAIL FROM. Returns true when an override applied. Never throws.
bool apply_overrides(const Overrides& lists, const Input& input, std::string_view address,
                     std::string_view hostname, Evaluation& e);

}  // namespace postseal::dmarc

#endif  // POSTSEAL_DMARC_OVERRIDE_H
