/// \file
/// SPF checks on libspf2 with our DNS layer, and the Received-SPF field (spf.h).
///
/// Thread safety: each check builds its own SPF_server_t, request, response and
/// DnsLayer (which holds the check's lookup counters), so nothing libspf2 reads or
/// writes is shared between threads; the only shared object is the dns::Resolver,
/// which is thread-safe by contract. Building a server costs a few microseconds (it
/// compiles the default explanation), far below one DNS round trip.
#include "spf/spf.h"

#include <cstring>
#include <mutex>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "mail/field_writer.h"
#include "spf/dns_layer.h"
#include "spf/libspf2.h"
#include "spf/record_check.h"
#include "util/check.h"

namespace postseal::spf {
namespace {

using detail::spf2;
using detail::SpfRecord;
using detail::SpfRequest;
using detail::SpfResponse;
using detail::SpfServer;

constexpr const char* kDefaultExplanation = "SPF fail - not authorized";
// The same for libspf2, which reads it as a macro string ("%_" is a space).
constexpr const char* kDefaultExplanationMacro = "SPF%_fail%_-%_not%_authorized";

// libspf2's default log handlers print to stdout and stderr; in spawn(8) mode stdout
// is the policy protocol. Its messages all end up in the response anyway.
void quiet(const char*, int, const char*) {}

void silence_libspf2() {
  static std::once_flag once;
  std::call_once(once, [] {
    *spf2().warning_handler = quiet;
    *spf2().info_handler = quiet;
    *spf2().debug_handler = quiet;
  });
}

// The client address: 4 bytes for IPv4 (also for an IPv4-mapped IPv6 address, RFC
// 7208 §5: fault C), 16 for IPv6, empty when `text` is not an address. `normal` gets
// the address in its usual text form.
std::string parse_client(const std::string& text, std::string* normal) {
  unsigned char buf[16];
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) {
    *normal = inet_ntop(AF_INET, buf, out, sizeof(out));
    return std::string(reinterpret_cast<char*>(buf), 4);
  }
  std::string t = text;
  if (t.size() > 5 && (t.compare(0, 5, "IPv6:") == 0 || t.compare(0, 5, "ipv6:") == 0))
    t = t.substr(5);
  if (inet_pton(AF_INET6, t.c_str(), buf) == 1) {
    in6_addr a;
    std::memcpy(&a, buf, 16);
    if (IN6_IS_ADDR_V4MAPPED(&a)) {
      *normal = inet_ntop(AF_INET, buf + 12, out, sizeof(out));
      return std::string(reinterpret_cast<char*>(buf + 12), 4);
    }
    *normal = inet_ntop(AF_INET6, buf, out, sizeof(out));
    return std::string(reinterpret_cast<char*>(buf), 16);
  }
  normal->clear();
  return {};
}

std::string strip_dot(std::string d) {
  if (!d.empty() && d.back() == '.') d.pop_back();
  return d;
}

Result map_result(SPF_result_t r, bool dns_error) {
  switch (r) {
    case SPF_RESULT_PASS:
      return Result::kPass;
    case SPF_RESULT_FAIL:
      return Result::kFail;
    case SPF_RESULT_SOFTFAIL:
      return Result::kSoftFail;
    case SPF_RESULT_NEUTRAL:
      return Result::kNeutral;
    case SPF_RESULT_NONE:
      return Result::kNone;
    case SPF_RESULT_TEMPERROR:
      return Result::kTempError;
    case SPF_RESULT_PERMERROR:
      return Result::kPermError;
    default:
      break;
  }
  // libspf2 1.2.10 leaves the result unset after some lookup or parse errors (fault
  // A): a DNS failure must stay temporary, anything else is the record's fault.
  return dns_error ? Result::kTempError : Result::kPermError;
}

std::string comment_for(const Verdict& v, const std::string& ip) {
  const std::string& s = v.sender;
  switch (v.result) {
    case Result::kPass:
      return "domain of " + s + " designates " + ip + " as permitted sender";
    case Result::kFail:
      return "domain of " + s + " does not designate " + ip + " as permitted sender";
    case Result::kSoftFail:
      return "domain of transitioning " + s + " does not designate " + ip +
             " as permitted sender";
    case Result::kNeutral:
      return ip + " is neither permitted nor denied by domain of " + s;
    case Result::kNone:
      return "domain of " + s + " does not publish an SPF record";
    case Result::kTempError:
      return "temporary error looking up the SPF record of " + v.domain;
    case Result::kPermError:
      return "permanent error in the SPF record of " + v.domain;
  }
  return {};
}

}  // namespace

std::string_view to_string(Result r) {
  switch (r) {
    case Result::kNone:
      return "none";
    case Result::kNeutral:
      return "neutral";
    case Result::kPass:
      return "pass";
    case Result::kFail:
      return "fail";
    case Result::kSoftFail:
      return "softfail";
    case Result::kTempError:
      return "temperror";
    case Result::kPermError:
      return "permerror";
  }
  return "?";
}

std::string_view to_string(Identity i) { return i == Identity::kHelo ? "helo" : "mailfrom"; }

struct Checker::Impl {
  dns::Resolver& resolver;
  std::string receiver;
  dns::LimitedResolver::Limits limits;

  Verdict check(Identity identity, const Envelope& env, dns::Resolver& via);
  void evaluate(Verdict& v, const Envelope& env, const std::string& client, dns::Resolver& via);
};

Checker::Checker(dns::Resolver& resolver, std::string receiver,
                 dns::LimitedResolver::Limits limits)
    : impl_(std::make_unique<Impl>(Impl{resolver, std::move(receiver), limits})) {
  silence_libspf2();
}

Checker::~Checker() = default;

Verdict Checker::check_helo(const Envelope& env, dns::Resolver* via) {
  return impl_->check(Identity::kHelo, env, via ? *via : impl_->resolver);
}

Verdict Checker::check_mail_from(const Envelope& env, dns::Resolver* via) {
  return impl_->check(Identity::kMailFrom, env, via ? *via : impl_->resolver);
}

Verdict Checker::Impl::check(Identity identity, const Envelope& env, dns::Resolver& via) {
  Verdict v;
  v.identity = identity;
  std::string helo = strip_dot(env.helo);
  if (identity == Identity::kHelo || env.sender.empty()) {
    // RFC 7208 §2.3, §2.4: the HELO identity, and the null sender, are checked as
    // postmaster@HELO.
    v.domain = helo;
    v.sender = "postmaster@" + helo;
  } else {
    // RFC 7208 §4.3: a sender without a local-part is checked as postmaster@domain.
    size_t at = env.sender.rfind('@');
    std::string local = at == std::string::npos ? "" : env.sender.substr(0, at);
    v.domain = strip_dot(at == std::string::npos ? env.sender : env.sender.substr(at + 1));
    v.sender = (local.empty() ? "postmaster" : local) + "@" + v.domain;
  }

  std::string ip;
  std::string client = parse_client(env.client_ip, &ip);
  if (client.empty()) {
    v.result = Result::kNone;
    v.comment = "client address \"" + env.client_ip + "\" is not an IP address";
    return v;
  }
  // RFC 7208 §4.3: a malformed or single-label domain gives none before any lookup
  // (libspf2 would send it to the resolver: fault B).
  if (!detail::is_valid_domain(v.domain)) {
    v.result = Result::kNone;
    v.comment = "\"" + v.domain + "\" is not a valid domain name";
    return v;
  }
  dns::LimitedResolver limited(via, limits);
  evaluate(v, env, client, limited);
  if (v.comment.empty()) v.comment = comment_for(v, ip);
  return v;
}

void Checker::Impl::evaluate(Verdict& v, const Envelope& env, const std::string& client,
                             dns::Resolver& via) {
  detail::DnsLayer layer(via, client);
  SpfServer server(spf2().server_new_dns(layer.server(), 0));
  POSTSEAL_CHECK(server != nullptr);
  // Every DNS-querying term is counted by the layer across the whole check; libspf2's
  // own per-record count must never stop it first. The MX limit (10 names) is RFC 7208
  // §4.6.4's; PTR names are cut to 10 by the layer.
  spf2().server_set_max_dns_mech(server.get(), 1000);
  spf2().server_set_max_dns_mx(server.get(), detail::kMaxMxNames);
  spf2().server_set_max_dns_ptr(server.get(), 1000);
  spf2().server_set_rec_dom(server.get(), receiver.c_str());
  SPF_response_t* exp_errors = nullptr;
  spf2().server_set_explanation(server.get(), kDefaultExplanationMacro, &exp_errors);
  SpfResponse exp_errors_guard(exp_errors);

  SpfRequest request(spf2().request_new(server.get()));
  POSTSEAL_CHECK(request != nullptr);
  if (client.size() == 4) {
    in_addr a;
    std::memcpy(&a, client.data(), 4);
    spf2().request_set_ipv4(request.get(), a);
  } else {
    in6_addr a;
    std::memcpy(&a, client.data(), 16);
    spf2().request_set_ipv6(request.get(), a);
  }
  std::string helo = strip_dot(env.helo);
  spf2().request_set_helo_dom(request.get(), helo.empty() ? "unknown" : helo.c_str());
  spf2().request_set_env_from(request.get(), v.sender.c_str());
  // No local policy, no whitelist: verdicts are plain RFC 7208 results.
  request->use_local_policy = 0;
  request->use_helo = v.identity == Identity::kHelo ? 1 : 0;
  request->cur_dom = v.identity == Identity::kHelo ? request->helo_dom : request->env_from_dp;

  // What SPF_request_query_mailfrom() does, without its "localhost always passes"
  // shortcut: fetch the record (through our layer's get_spf), then interpret it.
  SpfResponse response(spf2().response_new(request.get()));
  POSTSEAL_CHECK(response != nullptr);
  SPF_record_t* raw = nullptr;
  SPF_errcode_t err =
      spf2().server_get_record(server.get(), request.get(), response.get(), &raw);
  SpfRecord record(raw);
  if (err != SPF_E_SUCCESS) {
    switch (layer.top_outcome()) {
      case detail::RecordOutcome::kTempError:
        v.result = Result::kTempError;
        break;
      case detail::RecordOutcome::kPermError:
        v.result = Result::kPermError;
        break;
      default:
        v.result = Result::kNone;
        break;
    }
  } else {
    response->spf_record_exp = record.get();
    spf2().record_interpret(record.get(), request.get(), response.get(), 0);
    v.result = map_result(response->result, layer.dns_error());
    if (layer.limit_exceeded()) v.result = Result::kPermError;
  }

  if (v.result == Result::kFail) {
    const char* e = spf2().response_get_explanation(response.get());
    // The text goes into an SMTP reply: printable ASCII only (%{l} comes from the
    // client).
    v.explanation = (e && *e) ? e : kDefaultExplanation;
    for (char& ch : v.explanation)
      if (ch < 0x20 || ch > 0x7e) ch = '?';
  }
  if (v.result == Result::kTempError || v.result == Result::kPermError) {
    v.problem = layer.problem();
    if (v.problem.empty()) {
      SPF_errcode_t code = spf2().response_errcode(response.get());
      v.problem = code != SPF_E_SUCCESS ? spf2().strerror(code) : "SPF evaluation error";
    }
  }
}

std::string received_spf(const Verdict& v, const Envelope& env, std::string_view receiver) {
  std::string ip;
  if (parse_client(env.client_ip, &ip).empty()) ip = env.client_ip;
  std::string out(to_string(v.result));
  out += " (" + mail::comment_text(receiver) + ": " + mail::comment_text(v.comment) + ")";
  // RFC 7208 §9.1 key=value: a dot-atom as it is, anything else as a quoted-string.
  auto value = [](std::string_view s) { return mail::quote_value(s, mail::is_dot_atom); };
  out += " client-ip=" + value(ip) + ";";
  out += " envelope-from=" + value(v.sender) + ";";
  if (!env.helo.empty()) out += " helo=" + value(env.helo) + ";";
  if ((v.result == Result::kTempError || v.result == Result::kPermError) && !v.problem.empty())
    out += " problem=" + value(v.problem) + ";";
  out += " receiver=" + value(receiver) + ";";
  out += " identity=" + std::string(to_string(v.identity)) + ";";
  return out;
}

}  // namespace postseal::spf
