/// \file
/// Loading libspf2 on first use (libspf2.h).
#include "spf/libspf2.h"

#include "util/shared_lib.h"

namespace postseal::spf::detail {
namespace {

// In the order of the struct members.
constexpr const char* kSpf2Names[] = {"SPF_server_new_dns",
                                      "SPF_server_free",
                                      "SPF_server_set_max_dns_mech",
                                      "SPF_server_set_max_dns_mx",
                                      "SPF_server_set_max_dns_ptr",
                                      "SPF_server_set_rec_dom",
                                      "SPF_server_set_explanation",
                                      "SPF_server_get_record",
                                      "SPF_request_new",
                                      "SPF_request_free",
                                      "SPF_request_set_ipv4",
                                      "SPF_request_set_ipv6",
                                      "SPF_request_set_helo_dom",
                                      "SPF_request_set_env_from",
                                      "SPF_response_new",
                                      "SPF_response_free",
                                      "SPF_response_get_explanation",
                                      "SPF_response_errcode",
                                      "SPF_response_add_error",
                                      "SPF_record_compile",
                                      "SPF_record_interpret",
                                      "SPF_record_free",
                                      "SPF_dns_rr_new_init",
                                      "SPF_dns_rr_buf_realloc",
                                      "SPF_dns_rr_free",
                                      "SPF_strerror",
                                      "SPF_warning_handler",
                                      "SPF_info_handler",
                                      "SPF_debug_handler"};

}  // namespace

const Spf2Api& spf2() {
  return shared_lib<Spf2Api>({"spf", "libspf2.so.2", "libspf2-2"}, kSpf2Names);
}

}  // namespace postseal::spf::detail
