/// \file
/// The SPF decision table and the texts Postfix is handed (see decision.h).
#include "policy/decision.h"

#include "authres/authres.h"
#include "util/ascii.h"

namespace postseal::policy {
namespace {

/// SMTP reply text from DNS (an exp= explanation) is cut here: Postfix's reply lines
/// are at most 512 octets (RFC 5321 §4.5.3.1.5) with the code and our prefix.
constexpr std::size_t kMaxReplyText = 400;

std::string sender_domain(std::string_view sender) {
  auto at = sender.rfind('@');
  return at == std::string_view::npos ? std::string() : std::string(sender.substr(at + 1));
}

/// Printable text for an SMTP reply: control characters become spaces, and the text is
/// cut to a length every SMTP client accepts.
std::string reply_text(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, kMaxReplyText)) {
    auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  return out;
}

/// The reason given with a rejection or deferral.
std::string reason(const spf::Verdict& v, const Query& q) {
  switch (v.result) {
    case spf::Result::kFail:
    case spf::Result::kSoftFail:
      if (!v.explanation.empty()) return v.explanation;
      return "SPF " + std::string(spf::to_string(v.result)) + ": " + v.domain +
             " does not designate " + q.client_address + " as permitted sender";
    case spf::Result::kTempError:
      return "SPF temporary error checking " + v.domain + ", please try again later";
    case spf::Result::kPermError:
      return "SPF permanent error in the record of " + v.domain +
             (v.problem.empty() ? std::string() : ": " + v.problem);
    default:
      return "SPF " + std::string(spf::to_string(v.result));
  }
}

/// The 5xx/4xx reply for rejecting or deferring on `v` (RFC 7372 §3.2: X.7.23 for an
/// SPF failure, X.7.24 for an error in validating it).
std::string refusal(Action a, const spf::Verdict& v, const Query& q) {
  bool error = v.result == spf::Result::kTempError || v.result == spf::Result::kPermError;
  std::string code = a == Action::kDefer ? (error ? "451 4.7.24 " : "451 4.7.23 ")
                                         : (error ? "550 5.7.24 " : "550 5.7.23 ");
  return code + reply_text(reason(v, q));
}

Action action_for(spf::Result r, const PolicySettings& s) {
  switch (r) {
    case spf::Result::kFail:
      return s.fail;
    case spf::Result::kSoftFail:
      return s.softfail;
    case spf::Result::kTempError:
      // Never answered permanently, whatever the setting says (DESIGN.md: DNS
      // trouble is never a verdict).
      return s.temperror == Action::kReject ? Action::kDefer : s.temperror;
    case spf::Result::kPermError:
      return s.permerror;
    default:
      return Action::kPrepend;
  }
}

}  // namespace

std::string_view to_string(Action a) {
  switch (a) {
    case Action::kDunno:
      return "dunno";
    case Action::kPrepend:
      return "prepend";
    case Action::kReject:
      return "reject";
    case Action::kDefer:
      return "defer";
  }
  return "dunno";
}

Result<Action> parse_action(std::string_view word) {
  std::string w = ascii_lower(word);
  if (w == "reject") return Action::kReject;
  if (w == "defer") return Action::kDefer;
  if (w == "prepend") return Action::kPrepend;
  return Error{"expected reject, defer or prepend"};
}

spf::Envelope Query::envelope() const {
  spf::Envelope e;
  e.client_ip = client_address;
  e.helo = helo;
  e.sender = sender;
  return e;
}

Result<Query> parse_query(const Request& r) {
  if (r.get("request") != "smtpd_access_policy")
    return Error{r.has("request")
                     ? "unknown request type \"" + std::string(r.get("request")) + "\""
                     : std::string("no request attribute")};
  Query q;
  q.protocol_state = std::string(r.get("protocol_state"));
  q.instance = std::string(r.get("instance"));
  q.queue_id = std::string(r.get("queue_id"));
  q.client_address = std::string(r.get("client_address"));
  q.client_name = std::string(r.get("client_name"));
  q.helo = std::string(r.get("helo_name"));
  q.sender = std::string(r.get("sender"));
  q.recipient = std::string(r.get("recipient"));
  q.sasl_username = std::string(r.get("sasl_username"));
  if (q.client_address.empty()) return Error{"no client_address"};
  return q;
}

std::optional<std::string> skip_reason(const Query& q, const PolicySettings& s) {
  // Postfix evaluates sender restrictions at RCPT time (smtpd_delay_reject = yes), so
  // RCPT is the usual state; MAIL is checked too for smtpd_delay_reject = no. Later
  // states (DATA, END-OF-MESSAGE) and others have nothing for SPF to decide.
  if (q.protocol_state != "RCPT" && q.protocol_state != "MAIL") return "protocol_state";
  if (s.skip_sasl && !q.sasl_username.empty()) return "sasl";
  std::string_view name = q.client_name == "unknown" ? std::string_view() : q.client_name;
  if (s.skip_networks.matches(q.client_address, name)) return "network";
  if (!q.helo.empty() && s.skip_helo.matches("", q.helo)) return "helo";
  std::string domain = sender_domain(q.sender);
  if (!domain.empty() && s.skip_senders.matches("", domain)) return "sender";
  return std::nullopt;
}

Decision skip_decision(std::string reason) {
  Decision d;
  d.skipped = std::move(reason);
  return d;
}

std::string header_field(const spf::Verdict& v, const Query& q, const PolicySettings& s) {
  if (s.header == HeaderType::kReceivedSpf)
    return "Received-SPF: " + spf::received_spf(v, q.envelope(), s.receiver);
  // RFC 8601 §2.7.2 and RFC 7208 §9.2: the property names the identity that was checked.
  // One line: a PREPEND in a policy reply cannot be folded.
  authres::ResultInfo r;
  r.method = "spf";
  r.result = std::string(spf::to_string(v.result));
  r.comment = v.comment;
  if (v.identity == spf::Identity::kHelo)
    r.properties.push_back({"smtp", "helo", q.helo});
  else
    r.properties.push_back({"smtp", "mailfrom", v.sender.empty() ? q.sender : v.sender});
  authres::AuthenticationResults ar;
  ar.authserv_id = s.authserv_id;
  ar.results.push_back(std::move(r));
  return "Authentication-Results: " + authres::format_value(ar);
}

Decision decide(const Query& q, const spf::Verdict& helo,
                const std::optional<spf::Verdict>& mail_from, const PolicySettings& s) {
  // A failing HELO decides on its own (as policyd-spf does by default); the null
  // sender has only the HELO identity (RFC 7208 §2.4: postmaster@HELO is the same check).
  const spf::Verdict& v =
      (helo.result == spf::Result::kFail || !mail_from.has_value()) ? helo : *mail_from;
  Decision d;
  d.verdict = v;
  d.action = action_for(v.result, s);
  if (d.action == Action::kPrepend)
    d.text = "PREPEND " + header_field(v, q, s);
  else
    d.text = refusal(d.action, v, q);
  return d;
}

}  // namespace postseal::policy
