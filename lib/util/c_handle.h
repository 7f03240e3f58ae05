/// \file
/// Owning handles for C library objects, in the spirit of bssl::UniquePtr: each alias
/// frees its object with the library's own function. No bare *_free() call may appear
/// outside this header. Handles are move-only and not thread-safe by themselves.
#ifndef POSTSEAL_UTIL_C_HANDLE_H
#define POSTSEAL_UTIL_C_HANDLE_H

#include <memory>

#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/evp.h>

namespace postseal {

/// Calls F on a non-null pointer.
template <class T, void (*F)(T*)>
struct FnDeleter {
  void operator()(T* p) const {
    if (p) F(p);
  }
};

template <class T, void (*F)(T*)>
using CHandle = std::unique_ptr<T, FnDeleter<T, F>>;

namespace detail {
inline void bio_free(BIO* b) { BIO_free_all(b); }
}  // namespace detail

using EvpPkey = CHandle<EVP_PKEY, EVP_PKEY_free>;
using EvpPkeyCtx = CHandle<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using EvpMdCtx = CHandle<EVP_MD_CTX, EVP_MD_CTX_free>;
using Bio = CHandle<BIO, detail::bio_free>;
using OsslDecoderCtx = CHandle<OSSL_DECODER_CTX, OSSL_DECODER_CTX_free>;

// libspf2's handles (SpfServer, ...) are in spf/libspf2.h, libunbound's in
// dns/unbound_resolver.cpp: those libraries are loaded on first use.

}  // namespace postseal

#endif  // POSTSEAL_UTIL_C_HANDLE_H
