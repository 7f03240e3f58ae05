/// \file
/// DKIM private keys (RSA for rsa-sha256, RFC 6376 §3.3.1 and RFC 8301; Ed25519 for
/// ed25519-sha256, RFC 8463) over OpenSSL 3 EVP. Parses key bytes (the caller reads
/// files), signs a SHA-256 digest, and produces the public key record to publish.
/// A PrivateKey is immutable after parsing and may be shared between threads.
#ifndef POSTSEAL_DKIM_KEY_H
#define POSTSEAL_DKIM_KEY_H

#include <string>
#include <string_view>

#include "util/c_handle.h"
#include "util/result.h"

namespace postseal::dkim {

enum class KeyType { kRsa, kEd25519 };

/// "rsa-sha256" or "ed25519-sha256": the a= value that goes with a key type.
std::string_view algorithm_name(KeyType t);

/// RSA key sizes we sign with (RFC 8301 §3.2: at least 1024; verifiers need not handle
/// more than 4096).
inline constexpr int kMinRsaBits = 1024;
inline constexpr int kMaxRsaBits = 4096;

class PrivateKey {
 public:
  /// Parses a private key from PEM (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY"),
  /// from base64 DER without the PEM armour, from binary DER, or from the base64 of a
  /// raw 32-byte Ed25519 seed (RFC 8463 §A.1). RSA keys outside kMinRsaBits..kMaxRsaBits
  /// are refused. On failure returns an Error that says why (never the key bytes).
  static Result<PrivateKey> parse(std::string_view data);

  /// Makes a new key: RSA of `bits` bits, or Ed25519 (bits ignored). On failure returns
  /// an Error with OpenSSL's reason.
  static Result<PrivateKey> generate(KeyType type, int bits);

  KeyType type() const { return type_; }
  /// Modulus size for RSA, 256 for Ed25519.
  int bits() const { return bits_; }

  /// Signs a SHA-256 digest: RSASSA-PKCS1-v1_5 with SHA-256 DigestInfo, or Ed25519 over
  /// the 32 digest bytes (RFC 8463 §3). Returns the raw signature. On failure returns an
  /// Error with OpenSSL's reason.
  Result<std::string> sign_digest(std::string_view sha256_digest) const;

  /// The key record to publish at SELECTOR._domainkey.DOMAIN, e.g.
  /// "v=DKIM1; k=rsa; p=MIIB...". p= is the SubjectPublicKeyInfo DER for RSA and the raw
  /// 32-byte public key for Ed25519, base64-encoded.
  std::string public_record() const;

  /// The private key as PKCS#8 PEM, for writing a key file.
  std::string private_pem() const;

 private:
  PrivateKey(EvpPkey pkey, KeyType type, int bits);

  std::shared_ptr<EVP_PKEY> pkey_;  // shared so copies are cheap; never mutated
  KeyType type_;
  int bits_;
};

}  // namespace postseal::dkim

#endif  // POSTSEAL_DKIM_KEY_H
