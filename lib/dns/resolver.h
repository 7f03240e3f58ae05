/// \file
/// The one DNS interface every lookup in postseal goes through (DKIM key records, SPF,
/// DMARC). An Answer tells the outcomes callers must keep apart (RFC 7208 §5, RFC 6376
/// §6.1.2): records found, no records (NODATA), no such name (NXDOMAIN), and trouble
/// (timeout, SERVFAIL: a temporary error, never a verdict). Implementations: the
/// libunbound adapter (unbound_resolver.h) and an in-memory one for unit tests
/// (static_resolver.h). query() must be safe to call from several threads at once.
#ifndef POSTSEAL_DNS_RESOLVER_H
#define POSTSEAL_DNS_RESOLVER_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace postseal::dns {

/// The record types postseal asks for (their RFC 1035/3596 numbers).
enum class Type : uint16_t { kA = 1, kCname = 5, kPtr = 12, kMx = 15, kTxt = 16, kAaaa = 28 };

/// "A", "CNAME", "PTR", "MX", "TXT", "AAAA".
std::string_view to_string(Type t);

enum class Status {
  kOk,         ///< records of the asked type exist (records is not empty)
  kNoData,     ///< the name exists but has no records of this type
  kNxDomain,   ///< the name does not exist
  kTempError,  ///< timeout, SERVFAIL or a DNSSEC-bogus answer: try again later
  kPermError,  ///< the question itself is invalid (e.g. a malformed name; REFUSED/FORMERR)
};

std::string_view to_string(Status s);

/// One answer. For each type, `records` holds one entry per resource record:
///   A     4 address bytes (network order);   AAAA  16 address bytes;
///   TXT   the record's character-strings concatenated (RFC 6376 §3.6.2.2, RFC 7208
///         §3.3), bytes as received (may hold NUL or 8-bit bytes: callers check);
///   MX    the exchange name, lowercase, no trailing dot, sorted by preference;
///   PTR   the target name, lowercase, no trailing dot;
///   CNAME the target of the name's own CNAME, lowercase, no trailing dot (not followed:
///         this is how a tool shows a chain hop by hop).
/// For every other type CNAME chains are followed by the resolver; the records are those
/// of the chain's end.
struct Answer {
  Status status = Status::kTempError;
  std::vector<std::string> records;
  bool secure = false;  ///< DNSSEC-validated (only with a trust anchor configured)
  uint32_t ttl = 0;     ///< seconds the answer may be cached
  std::string reason;   ///< for kTempError/kPermError: what went wrong, for logs
};

class Resolver {
 public:
  virtual ~Resolver() = default;
  /// Looks up `name` (absolute, with or without a final dot) for `type`. Returns within
  /// the resolver's configured timeout; a timeout is Status::kTempError. Never throws.
  virtual Answer query(std::string_view name, Type type) = 0;
};

}  // namespace postseal::dns

#endif  // POSTSEAL_DNS_RESOLVER_H
