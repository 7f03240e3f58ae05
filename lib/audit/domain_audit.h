/// \file
/// The audit behind `postseal check-dns DOMAIN`: SPF (one record, RFC 7208 §12 syntax,
/// the §4.6.4 lookup limits across includes, the all mechanism, the result for an
/// address), DKIM selectors (dkim/key_probe), DMARC by the RFC 9989 tree walk with the
/// RFC 9990 §4 external-destination check of rua/ruf, MX, forward-confirmed reverse DNS
/// of the sending address, Amazon SES's DNS (with relay ses), and a last verdict against the
/// large mailbox providers' published sender requirements. Each finding is one line with its
/// RFC and the fix. Pure apart from the dns::Resolver handed in; one audit per call; not
/// thread-safe.
#ifndef POSTSEAL_AUDIT_DOMAIN_AUDIT_H
#define POSTSEAL_AUDIT_DOMAIN_AUDIT_H

#include <string>
#include <string_view>
#include <vector>

#include "config/relay.h"
#include "dns/resolver.h"

namespace postseal::audit {

enum class Level { kOk, kInfo, kWarn, kFail, kTempError };

/// "ok", "info", "warn", "FAIL", "temperror".
std::string_view to_string(Level l);

struct Finding {
  std::string section;  ///< "spf", "spf mail-from", "dkim", "dmarc", "mx", "fcrdns", "verdict"
  Level level = Level::kInfo;
  std::string text;  ///< one line: what was found, why it matters, the fix
};

struct AuditOptions {
  std::string domain;                  ///< the From domain to audit
  std::vector<std::string> selectors;  ///< DKIM selectors to check under the domain
  std::string ip;                      ///< the sending address (optional)
  std::string mail_from_domain;        ///< the envelope (MAIL FROM) domain, when not `domain`
  /// The relay mail leaves through; with kSes the selectors are SES Easy DKIM tokens,
  /// each checked as a CNAME to TOKEN.dkim.amazonses.com, and the MAIL FROM domain's MX
  /// and SPF are checked against SES's (config/relay.h).
  config::Relay relay = config::Relay::kNone;
  std::string region;  ///< the SES region (e.g. eu-west-1); empty: any region's endpoint
};

struct Audit {
  std::vector<Finding> findings;
  /// The worst level of all findings (kInfo counts as kOk).
  Level worst() const;
};

/// Runs every check. Never throws: DNS trouble gives kTempError findings, never a fail.
Audit audit_domain(dns::Resolver& resolver, const AuditOptions& options);

}  // namespace postseal::audit

#endif  // POSTSEAL_AUDIT_DOMAIN_AUDIT_H
