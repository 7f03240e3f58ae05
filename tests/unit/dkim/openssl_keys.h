/// \file
/// For DKIM unit tests: RSA public keys made with OpenSSL directly, bypassing our own
/// key code (which refuses keys under 1024 bits), base64-encoded as key records carry
/// them.
#ifndef POSTSEAL_TESTS_UNIT_DKIM_OPENSSL_KEYS_H
#define POSTSEAL_TESTS_UNIT_DKIM_OPENSSL_KEYS_H

#include <string>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "util/base64.h"
#include "util/c_handle.h"

namespace postseal::testing {

/// The base64 public key of a fresh RSA key of `bits`, as SubjectPublicKeyInfo
/// (`encode` = i2d_PUBKEY) or as a bare PKCS#1 RSAPublicKey (i2d_PublicKey).
inline std::string rsa_public_b64(int bits, int (*encode)(const EVP_PKEY*, unsigned char**)) {
  EvpPkey k(EVP_RSA_gen(static_cast<unsigned>(bits)));
  unsigned char* der = nullptr;
  int n = encode(k.get(), &der);
  std::string out = base64_encode(std::string_view(reinterpret_cast<char*>(der), n));
  OPENSSL_free(der);
  return out;
}

}  // namespace postseal::testing

#endif  // POSTSEAL_TESTS_UNIT_DKIM_OPENSSL_KEYS_H
