/// \file
/// Where an aggregate report may go: the mailto: URIs of a policy domain's rua tag
/// (RFC 6068 addresses), each checked as RFC 9990 §4 ("Verifying External
/// Destinations") requires when its domain lies outside the policy domain's
/// Organizational Domain: a TXT record starting with v=DMARC1 at
/// <policy-domain>._report._dmarc.<destination host> must authorize it, and a rua in
/// that record replaces the address if it names the same host. Section numbers are
/// those of draft-ietf-dmarc-aggregate-reporting-32, the text that became RFC 9990.
/// Pure apart from the dns::Resolver and Evaluator handed in; not thread-safe.
#ifndef POSTSEAL_DMARC_DESTINATIONS_H
#define POSTSEAL_DMARC_DESTINATIONS_H

#include <string>
#include <string_view>
#include <vector>

#include "dmarc/evaluate.h"
#include "dns/resolver.h"

namespace postseal::dmarc {

/// The addresses of one mailto: URI (RFC 6068 §2: the part before "?", percent-decoded,
/// comma-separated addr-specs). An address needs a local part, no white space or
/// control characters, must not start with "-" (it goes on a sendmail command line),
/// and a valid domain (lower-cased, as an A-label). Anything else, and any other
/// scheme, gives an empty list. Never throws.
std::vector<std::string> mailto_addresses(std::string_view uri);

struct Destinations {
  std::vector<std::string> addresses;  ///< where to send, in rua order, each once
  std::vector<std::string> refused;    ///< "URI: why", for each destination left out
  bool temperror = false;              ///< a lookup failed: decide again later
  std::string error;                   ///< what failed
};

/// The destinations for a report about `policy_domain` from the rua URIs of its record.
/// `evaluator` finds Organizational Domains (RFC 9989 §4.10.2) and must ask `resolver`.
/// On a temporary DNS error (RFC 9990 §4 step 5: the receiver MAY retry later) returns
/// with temperror set and no addresses. Never throws.
Destinations report_destinations(Evaluator& evaluator, dns::Resolver& resolver,
                                 const std::string& policy_domain,
                                 const std::vector<std::string>& rua);

}  // namespace postseal::dmarc

#endif  // POSTSEAL_DMARC_DESTINATIONS_H
