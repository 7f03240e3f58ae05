/// \file
/// Counts what an SPF evaluation of a domain would cost, for `postseal check-dns`: the
/// terms that cause DNS lookups (include, a, mx, ptr, exists, redirect; limit 10) and
/// the lookups that return no answer (void lookups; limit 2), RFC 7208 §4.6.4, summed
/// across include: and redirect= as the limits are, with the include path to each
/// term. This is an audit, not an evaluation: every term is counted, whatever the client
/// address would have matched first. Pure apart from the dns::Resolver handed in.
#ifndef POSTSEAL_SPF_LOOKUP_COUNT_H
#define POSTSEAL_SPF_LOOKUP_COUNT_H

#include <string>
#include <string_view>
#include <vector>

#include "dns/resolver.h"

namespace postseal::spf {

/// RFC 7208 §4.6.4 limits.
inline constexpr int kMaxDnsMechanisms = 10;
inline constexpr int kMaxVoidLookups = 2;

struct LookupCount {
  int dns_mechanisms = 0;  ///< terms that cost a lookup, over the whole tree
  int void_lookups = 0;    ///< lookups that found nothing (NXDOMAIN or NODATA)
  /// One line per counted term, "N PATH: TERM", e.g. "3 example.com > include:a.test: mx".
  std::vector<std::string> trace;
  std::string first_over;             ///< the trace line of the 11th DNS term, if any
  std::vector<std::string> voids;     ///< "PATH: TERM: NAME has no records"
  std::vector<std::string> problems;  ///< included domains without exactly one SPF record
  bool temperror = false;             ///< a lookup failed: the counts are a lower bound
};

/// Walks the SPF record of `domain` and everything it includes or redirects to (each
/// domain once; macros are counted but not expanded). Never throws.
LookupCount count_lookups(dns::Resolver& resolver, std::string_view domain);

}  // namespace postseal::spf

#endif  // POSTSEAL_SPF_LOOKUP_COUNT_H
