/// \file
/// DKIM public key records, RFC 6376 §3.6.1 (with RFC 8301 and RFC 8463): the TXT
/// record published at SELECTOR._domainkey.DOMAIN, parsed into its flags and an OpenSSL
/// public key (RSA from SubjectPublicKeyInfo or bare PKCS#1 RSAPublicKey DER, Ed25519
/// from the raw 32 bytes), and signature checking with that key. Pure: the caller does
/// the DNS lookup. A KeyRecord is immutable after parsing and may be shared between
/// threads.
#ifndef POSTSEAL_DKIM_KEY_RECORD_H
#define POSTSEAL_DKIM_KEY_RECORD_H

#include <memory>
#include <string_view>

#include <openssl/evp.h>

#include "dkim/key.h"
#include "util/result.h"

namespace postseal::dkim {

/// Longest key record text accepted (hostile input bound; a 4096-bit RSA record is
/// about 800 bytes).
inline constexpr size_t kMaxKeyRecordSize = 8192;
/// Longest RSA modulus accepted from DNS, so a record cannot make verification costly.
inline constexpr int kMaxVerifyRsaBits = 8192;

struct KeyRecord {
  KeyType type = KeyType::kRsa;   ///< k= (rsa when absent)
  bool testing = false;           ///< t=y: the domain is testing DKIM
  bool strict = false;            ///< t=s: i= must have exactly the d= domain
  bool revoked = false;           ///< p= is empty: the key was revoked (§3.6.1)
  int bits = 0;                   ///< RSA modulus size; 256 for Ed25519; 0 when revoked
  std::shared_ptr<EVP_PKEY> key;  ///< null when revoked; never mutated

  /// True when `signature` is a valid signature of `sha256_digest` under this key:
  /// RSASSA-PKCS1-v1_5 with a SHA-256 DigestInfo, or Ed25519 (pure) over the 32 digest
  /// bytes (RFC 8463 §3). Any other outcome (a revoked key, a malformed signature, an
  /// OpenSSL error) is false. Never throws.
  bool verify_digest(std::string_view sha256_digest, std::string_view signature) const;
};

/// Parses a key record (the TXT strings already concatenated). Rules, RFC 6376 §3.6.1:
/// v= must be DKIM1 and the first tag if present; k= is rsa or ed25519; h= when present
/// must list sha256; s= when present must list "*" or "email"; t= flags y and s are
/// read, others ignored; p= is base64 (FWS allowed) and an empty p= means revoked;
/// unknown tags are ignored. On failure (syntax, duplicate or missing tags, bad base64,
/// a key that does not parse or does not match k=, an RSA key over kMaxVerifyRsaBits)
/// returns an Error naming the problem. Short RSA keys parse: the verifier judges bits.
Result<KeyRecord> parse_key_record(std::string_view text);

}  // namespace postseal::dkim

#endif  // POSTSEAL_DKIM_KEY_RECORD_H
