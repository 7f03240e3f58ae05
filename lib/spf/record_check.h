/// \file
/// The strict RFC 7208 §12 syntax check of an SPF record, done before libspf2 sees it,
/// and the rewrite that lets libspf2 evaluate what the grammar allows but it refuses
/// (shared/notes/libspf2.md faults D, E, F, G, H, I, J, L). Pure: no I/O, no globals;
/// every function is safe to call from several threads at once.
#ifndef POSTSEAL_SPF_RECORD_CHECK_H
#define POSTSEAL_SPF_RECORD_CHECK_H

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace postseal::spf::detail {

enum class Family { kIpv4, kIpv6 };

/// A record that passed the syntax check, in the form libspf2 should compile.
struct CheckedRecord {
  /// The record with unknown modifiers left out (they have no effect, RFC 7208 §6, and
  /// libspf2 refuses some valid names), redirect= left out when the record has "all"
  /// (§6.1), and "/0" CIDR lengths (refused by libspf2) rewritten for `family`.
  std::string text;
  /// Names of a/mx terms whose CIDR length for `family` was 0: any address record of
  /// theirs matches the client. The DNS layer answers such a name (for a) or the
  /// exchanges of such a name (for mx) with the client's own address when any exist.
  std::vector<std::string> any_address_a;
  std::vector<std::string> any_address_mx;
};

/// True when `txt` is an SPF version 1 record: "v=spf1" (any case) then a space or the
/// end (RFC 7208 §4.5).
bool is_spf_record(std::string_view txt);

/// Checks `txt` (a record for which is_spf_record() holds) against the RFC 7208 §12
/// grammar: every byte printable ASCII or space, every term a known mechanism with valid
/// arguments or a modifier, domain-specs ending in a valid toplabel or a macro, valid
/// macros, CIDR lengths in range without leading zeros, redirect= and exp= at most once.
/// `domain` is the domain the record belongs to (the target of a bare "a" or "mx"). On
/// success returns the record to compile; on failure an Error naming the bad term.
postseal::Result<CheckedRecord> check_record(std::string_view txt, Family family,
                                             std::string_view domain);

/// True when `text` is a valid explanation string (RFC 7208 §6.2 explain-string: macro
/// strings and spaces, printable ASCII only).
bool is_valid_explanation(std::string_view text);

/// True when `name` (one optional final dot) is a syntactically valid domain to check
/// (RFC 7208 §4.3): at least two labels, none empty, each at most 63 octets, at most 253
/// octets in all, no address literal.
bool is_valid_domain(std::string_view name);

}  // namespace postseal::spf::detail

#endif  // POSTSEAL_SPF_RECORD_CHECK_H
