/// \file
/// OpenSSL's global initialisation (see openssl_init.h).
#include "util/openssl_init.h"

#include <cstdlib>

#include <openssl/crypto.h>

namespace postseal {

OpensslLibrary::OpensslLibrary() {
  uint64_t opts = OPENSSL_INIT_NO_ATEXIT;
  // OPENSSL_CONF set means someone chose a configuration on purpose: honour it.
  if (std::getenv("OPENSSL_CONF") == nullptr) opts |= OPENSSL_INIT_NO_LOAD_CONFIG;
  OPENSSL_init_crypto(opts, nullptr);
}

}  // namespace postseal
