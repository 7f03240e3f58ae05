/// \file
/// OpenSSL's global initialisation, done once by a program's main (STYLE.md: one
/// object owned by main). postseal uses libcrypto only (digests, RSA and Ed25519 keys
/// from the default provider), so it skips what a TLS program needs and a short-lived
/// filter run pays for on every message: reading openssl.cnf, which loads the
/// providers and modules it names, and the atexit handler that frees every OpenSSL
/// table just before the kernel frees the whole process anyway. Keys are freed by
/// their own handles before exit, whatever happens here.
#ifndef POSTSEAL_UTIL_OPENSSL_INIT_H
#define POSTSEAL_UTIL_OPENSSL_INIT_H

namespace postseal {

class OpensslLibrary {
 public:
  /// Initialises libcrypto without reading openssl.cnf, unless the environment names
  /// one in OPENSSL_CONF, so an operator who needs a provider configured there can
  /// still have it. Call before any other OpenSSL function. Never throws; if the
  /// initialisation fails, the first OpenSSL call that needs it reports the error.
  OpensslLibrary();
  OpensslLibrary(const OpensslLibrary&) = delete;
  OpensslLibrary& operator=(const OpensslLibrary&) = delete;
};

}  // namespace postseal

#endif  // POSTSEAL_UTIL_OPENSSL_INIT_H
