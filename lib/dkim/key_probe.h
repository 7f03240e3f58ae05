/// \file
/// Checks a published DKIM key record against what the operator meant to publish, for
/// `postseal testkey` and `postseal check-dns`: the TXT record at
/// SELECTOR._domainkey.DOMAIN (RFC 6376 §3.6.2.1), the CNAME chain that leads to it hop
/// by hop, and one outcome with the reason and the fix in plain words: the key matches
/// the private key, or the record is missing, broken, revoked, in test mode, too short
/// (RFC 8301 §3.2), too big for a plain UDP answer, or DNS failed. DNS comes in as a
/// dns::Resolver; no other I/O. Thread-compatible (no shared state).
#ifndef POSTSEAL_DKIM_KEY_PROBE_H
#define POSTSEAL_DKIM_KEY_PROBE_H

#include <string>
#include <string_view>
#include <vector>

#include "dkim/key.h"
#include "dns/resolver.h"

namespace postseal::dkim {

/// The outcomes, worst first in the order probe_key() decides them.
enum class KeyOutcome {
  kOk,           ///< the record parses and (when a key was given) matches it
  kNotFound,     ///< no TXT record at the name (NXDOMAIN or NODATA)
  kCnameBroken,  ///< the name is a CNAME whose chain ends at a name without a record
  kBadSplit,     ///< quote characters in the text, or the key split into several records
  kInvalid,      ///< the record does not parse (RFC 6376 §3.6.1)
  kRevoked,      ///< empty p=
  kTooShort,     ///< an RSA key under 1024 bits (RFC 8301 §3.2)
  kMismatch,     ///< the record's key is not the public half of the given private key
  kTesting,      ///< t=y: verifiers may treat failures as if unsigned
  kTcpOnly,      ///< the answer exceeds 512 bytes: resolvers without EDNS0 need TCP
  kDnsError,     ///< timeout, SERVFAIL or another temporary DNS failure
};

/// "ok", "not-found", "cname-broken", "bad-split", "invalid", "revoked", "too-short",
/// "mismatch", "testing", "tcp-only", "dns-error".
std::string_view to_string(KeyOutcome o);

struct KeyProbe {
  KeyOutcome outcome = KeyOutcome::kDnsError;
  std::string name;               ///< SELECTOR._domainkey.DOMAIN
  std::vector<std::string> hops;  ///< "NAME CNAME TARGET", one per hop, in order
  std::string record;             ///< the TXT text found (empty when none)
  int bits = 0;                   ///< the record's key size (0 when unknown)
  KeyType type = KeyType::kRsa;   ///< the record's k=
  size_t answer_size = 0;         ///< estimated UDP answer size in bytes
  std::string message;            ///< one line: what is wrong and how to fix it
};

/// Looks up and judges the key record of `selector` in `domain`. With `key` (may be
/// null), checks that the record holds its public half. Never throws; DNS trouble is
/// KeyOutcome::kDnsError, never a verdict on the record.
KeyProbe probe_key(dns::Resolver& resolver, std::string_view domain, std::string_view selector,
                   const PrivateKey* key);

}  // namespace postseal::dkim

#endif  // POSTSEAL_DKIM_KEY_PROBE_H
