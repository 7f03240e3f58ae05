/// \file
/// The local override list (RFC 9989 §5.4, RFC 9990 §3.1.6).
#include "dmarc/override.h"

#include "util/ascii.h"

namespace postseal::dmarc {
namespace {

std::string domain_form(std::string_view d) {
  std::string out = ascii_lower(d);
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

}  // namespace

std::optional<std::string> parse_override_reason(std::string_view word) {
  std::string w = ascii_lower(word);
  if (w == "local_policy" || w == "mailing_list" || w == "trusted_forwarder" || w == "other")
    return w;
  return std::nullopt;
}

bool apply_overrides(const Overrides& lists, const Input& input, std::string_view address,
                     std::string_view hostname, Evaluation& e) {
  // Nothing to exempt: a pass, none, an error, or a policy that asks for nothing.
  if (e.result != Result::kFail || e.disposition == Policy::kNone) return false;
  auto exempt = [&](const std::string& reason, std::string comment) {
    e.applied = Policy::kNone;
    e.override_reason = reason;
    e.override_comment = std::move(comment);
    return true;
  };
  if (!address.empty() || !hostname.empty())
    if (lists.networks.matches(address, hostname))
      return exempt(lists.networks_reason,
                    "client " + std::string(address.empty() ? hostname : address) +
                        " in dmarc-override-networks");
  if (lists.domains.empty()) return false;
  // The Author Domain, then the domains the message authenticated (RFC 9989 §3.2.1:
  // Authenticated Identifiers), in the order DMARC itself looks at them.
  if (lists.domains.matches("", input.author_domain))
    return exempt(lists.domains_reason,
                  "author domain " + input.author_domain + " in dmarc-override-domains");
  for (const auto& d : input.dkim) {
    std::string name = domain_form(d.domain);
    if (d.pass && !name.empty() && lists.domains.matches("", name))
      return exempt(lists.domains_reason, "DKIM pass d=" + name + " in dmarc-override-domains");
  }
  std::string spf = domain_form(input.spf_domain);
  if (ascii_lower(input.spf_result) == "pass" && !spf.empty() && lists.domains.matches("", spf))
    return exempt(lists.domains_reason, "SPF pass " + spf + " in dmarc-override-domains");
  return false;
}

}  // namespace postseal::dmarc
