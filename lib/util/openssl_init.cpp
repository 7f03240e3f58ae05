/// \file
/// OpenSSL's global initialisation (see openssl_init.h).
#include "util/openssl_init.h"

#include <cstdlib>

#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace postseal {

OpensslLibrary::OpensslLibrary() {
  uint64_t opts = OPENSSL_INIT_NO_ATEXIT;
  // OPENSSL_CONF set means someone chose a configuration on purpose: honour it.
  const bool own_config = std::getenv("OPENSSL_CONF") != nullptr;
  if (!own_config) opts |= OPENSSL_INIT_NO_LOAD_CONFIG;
  OPENSSL_init_crypto(opts, nullptr);
  // RSA blinding draws from the DRBG on the first signature. OpenSSL's default
  // CTR-DRBG (AES-256) fetches a cipher, and OpenSSL 3.0 then builds its whole cipher
  // table, about 3 million instructions per filter run; Hash_DRBG with SHA-256 (NIST
  // SP 800-90A, 256-bit security strength like the default) needs only the digest
  // that DKIM hashes with anyway. A configuration file may choose its own DRBG.
  if (!own_config) RAND_set_DRBG_type(nullptr, "HASH-DRBG", nullptr, nullptr, "SHA256");
}

}  // namespace postseal
