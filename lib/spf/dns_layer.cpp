/// \file
/// libspf2's DNS layer on a dns::Resolver, with the RFC 7208 §4.6.4 counts
/// (dns_layer.h).
#include "spf/dns_layer.h"

#include <cstring>
#include <exception>
#include <utility>
#include <vector>

#include "util/check.h"

namespace postseal::spf::detail {
namespace {

// The name to ask for: lowercase, no final dot, and (RFC 7208 §7.3) a macro expansion
// longer than 253 octets loses labels on the left until it fits.
std::string key(const char* name) {
  std::string k(name ? name : "");
  if (!k.empty() && k.back() == '.') k.pop_back();
  for (char& c : k)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  while (k.size() > 253) {
    size_t dot = k.find('.');
    if (dot == std::string::npos) break;
    k.erase(0, dot + 1);
  }
  return k;
}

bool to_dns_type(ns_type t, dns::Type* out) {
  switch (t) {
    case ns_t_a:
      *out = dns::Type::kA;
      return true;
    case ns_t_aaaa:
      *out = dns::Type::kAaaa;
      return true;
    case ns_t_mx:
      *out = dns::Type::kMx;
      return true;
    case ns_t_ptr:
      *out = dns::Type::kPtr;
      return true;
    case ns_t_txt:
      *out = dns::Type::kTxt;
      return true;
    default:
      return false;
  }
}

DnsLayer* layer_of(SPF_dns_server_t* s) { return static_cast<DnsLayer*>(s->hook); }

// Sets the result of a failed record fetch and returns `code` (libspf2 treats
// SPF_E_DNS_ERROR from an include/redirect as temperror, any other error as permerror).
SPF_errcode_t record_error(SPF_response_t* response, SPF_result_t result, SPF_errcode_t code,
                           const std::string& why) {
  response->result = result;
  response->reason = SPF_REASON_FAILURE;
  return spf2().response_add_error(response, code, "%s", why.c_str());
}

}  // namespace

DnsLayer::DnsLayer(dns::Resolver& resolver, std::string client)
    : resolver_(resolver),
      client_(std::move(client)),
      family_(client_.size() == 4 ? Family::kIpv4 : Family::kIpv6) {
  server_.destroy = nullptr;  // owned by this object, never freed by libspf2
  server_.lookup = &DnsLayer::lookup_cb;
  server_.get_spf = &DnsLayer::get_spf_cb;
  server_.get_exp = nullptr;
  server_.add_cache = nullptr;
  server_.layer_below = nullptr;
  server_.name = "postseal";
  server_.debug = 0;
  server_.hook = this;
}

SPF_dns_rr_t* DnsLayer::lookup_cb(SPF_dns_server_t* s, const char* domain, ns_type type,
                                  int /*should_cache*/) {
  // No exception may cross into libspf2: anything thrown here (bad_alloc, a resolver
  // bug) becomes a temporary DNS failure, so the check ends in temperror, never fail.
  DnsLayer* self = layer_of(s);
  try {
    return self->lookup(domain, type);
  } catch (...) {
    self->internal_error();
  }
  return self->answer(domain, type, TRY_AGAIN);
}

SPF_errcode_t DnsLayer::get_spf_cb(SPF_server_t* server, SPF_request_t* request,
                                   SPF_response_t* response, SPF_record_t** record) {
  DnsLayer* self = layer_of(server->resolver);
  bool top = self->first_record_;
  try {
    return self->get_spf(server, request, response, record);
  } catch (...) {
    self->internal_error();
  }
  if (top) self->top_outcome_ = RecordOutcome::kTempError;
  return record_error(response, SPF_RESULT_TEMPERROR, SPF_E_DNS_ERROR, "internal error");
}

void DnsLayer::internal_error() noexcept {
  dns_error_ = true;
  try {
    try {
      throw;
    } catch (const std::exception& e) {
      note_problem(std::string("internal error in the SPF DNS layer: ") + e.what());
    }
  } catch (...) {
    // Out of memory even for the message: the temperror stands without it.
  }
}

void DnsLayer::note_problem(std::string p) {
  if (problem_.empty()) problem_ = std::move(p);
}

SPF_dns_rr_t* DnsLayer::answer(const char* domain, ns_type type, int herrno) {
  SPF_dns_rr_t* rr = spf2().dns_rr_new_init(&server_, domain, type, 0, herrno);
  // libspf2 dereferences every answer without a check; out of memory here cannot be
  // reported any other way.
  POSTSEAL_CHECK(rr != nullptr);
  return rr;
}

bool DnsLayer::count_term() {
  // RFC 7208 §4.6.4: at most 10 terms that query DNS, summed over the whole check
  // (libspf2 counts per record, fault K).
  if (++terms_ > kMaxDnsTerms) {
    limit_exceeded_ = true;
    note_problem("more than 10 DNS lookups (RFC 7208 4.6.4)");
    return false;
  }
  return true;
}

SPF_dns_rr_t* DnsLayer::lookup(const char* domain, ns_type type) {
  dns::Type t;
  if (domain == nullptr || !to_dns_type(type, &t)) return answer(domain, type, NO_DATA);
  std::string name = key(domain);

  // Once a limit is exceeded the result is permerror: end the evaluation quickly.
  if (limit_exceeded_) return answer(domain, type, TRY_AGAIN);

  // Which term is this? An mx or ptr term asks MX/PTR, then the address of each name
  // in that answer, in order; every other address query is an a or exists term. A TXT
  // query here is the exp= explanation (records are fetched by get_spf), never counted.
  bool address = t == dns::Type::kA || t == dns::Type::kAaaa;
  bool sub_lookup = false, sub_any = false, sub_of_ptr = false;
  if (address && !pending_.empty() && pending_.front() == name) {
    pending_.pop_front();
    sub_lookup = true;
    sub_any = pending_any_;
    sub_of_ptr = pending_from_ptr_;
  } else {
    pending_.clear();
  }
  // The PTR lookup that expands %{p} in an explanation is no term either (nor are
  // the address lookups that validate its names: they follow as sub-lookups).
  bool explanation_ptr = t == dns::Type::kPtr && explanation_wants_ptr_;
  explanation_wants_ptr_ = false;
  bool counted = t != dns::Type::kTxt && !sub_lookup && !explanation_ptr;
  if (counted && !count_term()) return answer(domain, type, TRY_AGAIN);

  dns::Answer a = resolver_.query(name, t);
  switch (a.status) {
    case dns::Status::kOk:
      break;
    case dns::Status::kTempError:
      // The explanation falls back to the default (RFC 7208 §6.2). For ptr, a failed
      // PTR lookup does not match and a failed address lookup skips that name (§5.5).
      if (t == dns::Type::kTxt || t == dns::Type::kPtr || sub_of_ptr)
        return answer(domain, type, NO_DATA);
      dns_error_ = true;
      note_problem("DNS error looking up " + name + " " + std::string(dns::to_string(t)) +
                   (a.reason.empty() ? "" : ": " + a.reason));
      return answer(domain, type, TRY_AGAIN);
    case dns::Status::kNoData:
    case dns::Status::kNxDomain:
    case dns::Status::kPermError:
      // RFC 7208 §4.6.4: more than 2 void lookups (no answer, NXDOMAIN) is permerror.
      if (counted && ++voids_ > kMaxVoidLookups) {
        limit_exceeded_ = true;
        note_problem("more than 2 void lookups (RFC 7208 4.6.4)");
        return answer(domain, type, TRY_AGAIN);
      }
      return answer(domain, type, a.status == dns::Status::kNoData ? NO_DATA : HOST_NOT_FOUND);
  }

  std::vector<std::string> records = std::move(a.records);
  if (t == dns::Type::kPtr && records.size() > kMaxPtrNames) {
    records.resize(kMaxPtrNames);  // RFC 7208 §4.6.4: use the first 10 (fault K)
  }
  if (t == dns::Type::kMx || t == dns::Type::kPtr) {
    pending_.assign(records.begin(), records.end());
    pending_any_ = t == dns::Type::kMx && any_address_mx_.count(name) > 0;
    pending_from_ptr_ = t == dns::Type::kPtr;
  }
  if (t == dns::Type::kTxt) {
    // The explanation: exactly one record of valid explain-string syntax, else the
    // default explanation (RFC 7208 §6.2).
    if (records.size() != 1 || !is_valid_explanation(records[0]))
      return answer(domain, type, NO_DATA);
    // libspf2 1.2.10 expands an explanation with spaces wrongly (it turns them into
    // "%" and leaves later macros unexpanded); "%_" is the same space as a macro.
    std::string text;
    for (char c : records[0]) text += c == ' ' ? std::string("%_") : std::string(1, c);
    records[0] = text;
    explanation_wants_ptr_ =
        text.find("%{p") != std::string::npos || text.find("%{P") != std::string::npos;
  }
  if (address && !records.empty()) {
    // A "/0" CIDR length for the client's family (record_check.h): any address matches.
    bool family_matches = (t == dns::Type::kA) == (family_ == Family::kIpv4);
    bool any = sub_lookup ? sub_any : any_address_a_.count(name) > 0;
    if (any && family_matches) records.assign(1, client_);
  }

  SPF_dns_rr_t* rr = answer(domain, type, NETDB_SUCCESS);
  SpfDnsRr guard(rr);
  for (const std::string& r : records) {
    if (address) {
      size_t want = t == dns::Type::kA ? 4 : 16;
      if (r.size() != want) continue;
      if (spf2().dns_rr_buf_realloc(rr, rr->num_rr, want) != SPF_E_SUCCESS)
        throw std::bad_alloc();
      std::memcpy(t == dns::Type::kA ? static_cast<void*>(&rr->rr[rr->num_rr]->a)
                                     : static_cast<void*>(&rr->rr[rr->num_rr]->aaaa),
                  r.data(), want);
    } else {
      if (spf2().dns_rr_buf_realloc(rr, rr->num_rr, r.size() + 1) != SPF_E_SUCCESS)
        throw std::bad_alloc();
      char* dst = rr->rr[rr->num_rr]->txt;
      std::memcpy(dst, r.data(), r.size());
      dst[r.size()] = '\0';
    }
    ++rr->num_rr;
  }
  return guard.release();
}

SPF_errcode_t DnsLayer::get_spf(SPF_server_t* server, SPF_request_t* request,
                                SPF_response_t* response, SPF_record_t** record) {
  *record = nullptr;
  const char* domain = request->cur_dom;
  bool top = first_record_;
  first_record_ = false;
  pending_.clear();

  auto fail = [&](RecordOutcome o, SPF_result_t r, SPF_errcode_t code, std::string why) {
    if (top) top_outcome_ = o;
    if (o != RecordOutcome::kNone || !top) note_problem(why);
    return record_error(response, r, code, why);
  };

  if (domain == nullptr || domain[0] == '\0')
    return fail(RecordOutcome::kPermError, SPF_RESULT_PERMERROR, SPF_E_NOT_CONFIG,
                "empty domain");
  std::string name = key(domain);
  // include: and redirect= are terms that query DNS; the checked domain's own record
  // is not.
  if (!top && !count_term())
    return fail(RecordOutcome::kPermError, SPF_RESULT_PERMERROR, SPF_E_BIG_DNS,
                "more than 10 DNS lookups (RFC 7208 4.6.4)");
  if (limit_exceeded_)
    return fail(RecordOutcome::kPermError, SPF_RESULT_PERMERROR, SPF_E_BIG_DNS, problem_);

  dns::Answer a = resolver_.query(name, dns::Type::kTxt);
  switch (a.status) {
    case dns::Status::kOk:
      break;
    case dns::Status::kTempError:
      dns_error_ = true;
      return fail(
          RecordOutcome::kTempError, SPF_RESULT_TEMPERROR, SPF_E_DNS_ERROR,
          "DNS error looking up " + name + " TXT" + (a.reason.empty() ? "" : ": " + a.reason));
    case dns::Status::kNoData:
    case dns::Status::kNxDomain:
    case dns::Status::kPermError:
      return fail(RecordOutcome::kNone, SPF_RESULT_NONE, SPF_E_NOT_SPF,
                  "no SPF record at " + name);
  }

  // RFC 7208 §4.5: records that do not begin with "v=spf1" are discarded; more than
  // one SPF record is permerror.
  const std::string* found = nullptr;
  int count = 0;
  for (const std::string& txt : a.records) {
    if (is_spf_record(txt)) {
      found = &txt;
      ++count;
    }
  }
  if (count == 0)
    return fail(RecordOutcome::kNone, SPF_RESULT_NONE, SPF_E_NOT_SPF,
                "no SPF record at " + name);
  if (count > 1)
    return fail(RecordOutcome::kPermError, SPF_RESULT_PERMERROR, SPF_E_MULTIPLE_RECORDS,
                "more than one SPF record at " + name);

  postseal::Result<CheckedRecord> checked = check_record(*found, family_, name);
  if (!checked.ok())
    return fail(RecordOutcome::kPermError, SPF_RESULT_PERMERROR, SPF_E_SYNTAX,
                "SPF record of " + name + ": " + checked.message());
  any_address_a_.insert(checked->any_address_a.begin(), checked->any_address_a.end());
  any_address_mx_.insert(checked->any_address_mx.begin(), checked->any_address_mx.end());

  SPF_errcode_t err = spf2().record_compile(server, response, record, checked->text.c_str());
  if (err != SPF_E_SUCCESS) {
    SpfRecord partial(*record);
    *record = nullptr;
    return fail(RecordOutcome::kPermError, SPF_RESULT_PERMERROR, err,
                "SPF record of " + name + ": " + spf2().strerror(err));
  }
  return SPF_E_SUCCESS;
}

}  // namespace postseal::spf::detail
