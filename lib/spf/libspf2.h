/// \file
/// libspf2, loaded with dlopen on first use (util/shared_lib.h). postseal-filter carries
/// SPF for inbound mail, but a run that only signs never checks SPF, and linking libspf2
/// would load and relocate it at every start (doc/notes/pipe-filter-cost.md). Only the
/// types come from libspf2's headers; every call goes through the table below, and the
/// handles free their objects through it. Thread-safe (loaded once, then read-only).
#ifndef POSTSEAL_SPF_LIBSPF2_H
#define POSTSEAL_SPF_LIBSPF2_H

#include <memory>

#include <netinet/in.h>

// libspf2's headers declare C functions without extern "C".
extern "C" {
#include <spf2/spf.h>
}

#include "util/c_handle.h"

namespace postseal::spf::detail {

/// The libspf2 functions postseal calls, then the addresses of its three log-handler
/// variables.
struct Spf2Api {
  decltype(&SPF_server_new_dns) server_new_dns;
  decltype(&SPF_server_free) server_free;
  decltype(&SPF_server_set_max_dns_mech) server_set_max_dns_mech;
  decltype(&SPF_server_set_max_dns_mx) server_set_max_dns_mx;
  decltype(&SPF_server_set_max_dns_ptr) server_set_max_dns_ptr;
  decltype(&SPF_server_set_rec_dom) server_set_rec_dom;
  decltype(&SPF_server_set_explanation) server_set_explanation;
  decltype(&SPF_server_get_record) server_get_record;
  decltype(&SPF_request_new) request_new;
  decltype(&SPF_request_free) request_free;
  decltype(&SPF_request_set_ipv4) request_set_ipv4;
  decltype(&SPF_request_set_ipv6) request_set_ipv6;
  decltype(&SPF_request_set_helo_dom) request_set_helo_dom;
  decltype(&SPF_request_set_env_from) request_set_env_from;
  decltype(&SPF_response_new) response_new;
  decltype(&SPF_response_free) response_free;
  decltype(&SPF_response_get_explanation) response_get_explanation;
  decltype(&SPF_response_errcode) response_errcode;
  decltype(&SPF_response_add_error) response_add_error;
  decltype(&SPF_record_compile) record_compile;
  decltype(&SPF_record_interpret) record_interpret;
  decltype(&SPF_record_free) record_free;
  decltype(&SPF_dns_rr_new_init) dns_rr_new_init;
  decltype(&SPF_dns_rr_buf_realloc) dns_rr_buf_realloc;
  decltype(&SPF_dns_rr_free) dns_rr_free;
  decltype(&SPF_strerror) strerror;
  decltype(&SPF_warning_handler) warning_handler;
  decltype(&SPF_info_handler) info_handler;
  decltype(&SPF_debug_handler) debug_handler;
};

/// libspf2.so.2, loaded on the first call. Throws TempFailure ("spf: cannot load
/// libspf2.so.2: ...; install libspf2-2") when it is missing.
const Spf2Api& spf2();

inline void server_free(SPF_server_t* p) { spf2().server_free(p); }
inline void request_free(SPF_request_t* p) { spf2().request_free(p); }
inline void response_free(SPF_response_t* p) { spf2().response_free(p); }
inline void record_free(SPF_record_t* p) { spf2().record_free(p); }
inline void dns_rr_free(SPF_dns_rr_t* p) { spf2().dns_rr_free(p); }

using SpfServer = CHandle<SPF_server_t, server_free>;
using SpfRequest = CHandle<SPF_request_t, request_free>;
using SpfResponse = CHandle<SPF_response_t, response_free>;
using SpfRecord = CHandle<SPF_record_t, record_free>;
using SpfDnsRr = CHandle<SPF_dns_rr_t, dns_rr_free>;

}  // namespace postseal::spf::detail

#endif  // POSTSEAL_SPF_LIBSPF2_H
