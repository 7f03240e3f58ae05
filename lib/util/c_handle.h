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

// libspf2's headers declare C functions without extern "C".
extern "C" {
#include <spf2/spf.h>
}

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

using SpfServer = CHandle<SPF_server_t, SPF_server_free>;
using SpfRequest = CHandle<SPF_request_t, SPF_request_free>;
using SpfResponse = CHandle<SPF_response_t, SPF_response_free>;
using SpfRecord = CHandle<SPF_record_t, SPF_record_free>;
using SpfDnsRr = CHandle<SPF_dns_rr_t, SPF_dns_rr_free>;


}  // namespace postseal

#endif  // POSTSEAL_UTIL_C_HANDLE_H
