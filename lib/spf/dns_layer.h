/// \file
/// libspf2's DNS layer (an SPF_dns_server_t) on a dns::Resolver. Every question libspf2
/// asks during one check comes here, so this layer also keeps that check's RFC 7208
/// §4.6.4 counts (DNS-querying terms across include/redirect, void lookups, at most 10
/// PTR names) and fetches and checks each SPF record itself (record_check.h) before
/// libspf2 compiles it. One DnsLayer serves one check on one thread; it is never shared.
/// No exception crosses the C callbacks: they catch everything and answer TRY_AGAIN.
#ifndef POSTSEAL_SPF_DNS_LAYER_H
#define POSTSEAL_SPF_DNS_LAYER_H

#include <deque>
#include <set>
#include <string>

#include "dns/resolver.h"
#include "spf/libspf2.h"
#include "spf/record_check.h"

namespace postseal::spf::detail {

/// RFC 7208 §4.6.4 limits.
inline constexpr int kMaxDnsTerms = 10;
inline constexpr int kMaxVoidLookups = 2;
inline constexpr int kMaxPtrNames = 10;  ///< more are ignored
inline constexpr int kMaxMxNames = 10;   ///< more are permerror

/// How fetching an SPF record (the checked domain's, or an include/redirect target's)
/// ended, when it did not give a record.
enum class RecordOutcome { kFound, kNone, kTempError, kPermError };

class DnsLayer {
 public:
  /// `client` is the client address: 4 bytes (IPv4) or 16 (IPv6). The resolver must
  /// outlive the layer.
  DnsLayer(dns::Resolver& resolver, std::string client);
  DnsLayer(const DnsLayer&) = delete;
  DnsLayer& operator=(const DnsLayer&) = delete;

  /// The layer to hand to SPF_server_new_dns(). It stays owned by this object.
  SPF_dns_server_t* server() { return &server_; }

  /// After the check: whether a limit was exceeded (the result is then permerror).
  bool limit_exceeded() const { return limit_exceeded_; }
  /// After the check: whether any lookup for a term failed temporarily.
  bool dns_error() const { return dns_error_; }
  /// How fetching the checked domain's own record ended.
  RecordOutcome top_outcome() const { return top_outcome_; }
  /// The first problem met (for problem= and logs); empty when none.
  const std::string& problem() const { return problem_; }

 private:
  static SPF_dns_rr_t* lookup_cb(SPF_dns_server_t* s, const char* domain, ns_type type,
                                 int should_cache);
  static SPF_errcode_t get_spf_cb(SPF_server_t* server, SPF_request_t* request,
                                  SPF_response_t* response, SPF_record_t** record);

  SPF_dns_rr_t* lookup(const char* domain, ns_type type);
  SPF_errcode_t get_spf(SPF_server_t* server, SPF_request_t* request, SPF_response_t* response,
                        SPF_record_t** record);
  SPF_dns_rr_t* answer(const char* domain, ns_type type, int herrno);
  bool count_term();
  void note_problem(std::string p);
  /// Called in a catch block: records the exception as a temporary failure.
  void internal_error() noexcept;

  SPF_dns_server_t server_{};
  dns::Resolver& resolver_;
  std::string client_;
  Family family_;

  int terms_ = 0;
  int voids_ = 0;
  bool first_record_ = true;
  // Exchange (MX) or host (PTR) names whose address lookups libspf2 makes next: those
  // belong to the mx/ptr term already counted.
  std::deque<std::string> pending_;
  bool pending_any_ = false;
  bool pending_from_ptr_ = false;
  // The explanation just returned uses %{p}: the next PTR query is for it.
  bool explanation_wants_ptr_ = false;
  std::set<std::string> any_address_a_;
  std::set<std::string> any_address_mx_;

  bool limit_exceeded_ = false;
  bool dns_error_ = false;
  RecordOutcome top_outcome_ = RecordOutcome::kFound;
  std::string problem_;
};

}  // namespace postseal::spf::detail

#endif  // POSTSEAL_SPF_DNS_LAYER_H
