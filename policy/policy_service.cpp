/// \file
/// The per-request logic of postseal-policyd (see policy_service.h).
#include "policy/policy_service.h"

#include <utility>

namespace postseal::policy {
namespace {

/// What must match for a cached decision to be reused under the same instance.
std::string envelope_key(const Query& q) {
  return q.client_address + '\0' + q.helo + '\0' + q.sender;
}

}  // namespace

PolicyService::PolicyService(const PolicySettings& settings, SpfChecks& checks,
                             InstanceCache& cache)
    : settings_(settings), checks_(checks), cache_(cache) {}

Outcome PolicyService::handle(const ParsedRequest& request) {
  Outcome out;
  Result<Query> q =
      request.ok() ? parse_query(request.request) : Result<Query>(Error{request.error});
  if (!q.ok()) {
    // SMTPD_POLICY_README: the server must answer every request; a malformed one gets a
    // neutral answer (or a deferral, if the operator prefers) and a warning in the log.
    out.kind = Outcome::Kind::kMalformed;
    out.error = q.message();
    if (settings_.malformed_defer) {
      out.decision.action = Action::kDefer;
      out.decision.text = "451 4.3.5 malformed policy request";
    }
    out.reply = format_reply(out.decision.text);
    return out;
  }
  out.query = std::move(q).value();
  const Query& query = out.query;

  std::optional<std::string> reason = skip_reason(query, settings_);
  if (reason && *reason == "protocol_state") {
    // Not a state SPF acts in: answer without touching the message's cache entry.
    out.kind = Outcome::Kind::kRepeated;
    out.decision = skip_decision(*reason);
    out.reply = format_reply(out.decision.text);
    return out;
  }

  std::string key = envelope_key(query);
  if (!query.instance.empty()) {
    if (auto cached = cache_.find(query.instance, key)) {
      // Later recipients of the same message: a rejection or deferral holds for each of
      // them, but the header has been prepended once already.
      out.kind = Outcome::Kind::kRepeated;
      out.decision = std::move(*cached);
      if (out.decision.action == Action::kPrepend) {
        out.decision.action = Action::kDunno;
        out.decision.text = "DUNNO";
      }
      out.reply = format_reply(out.decision.text);
      return out;
    }
  }

  if (reason) {
    out.decision = skip_decision(*reason);
  } else {
    spf::Envelope env = query.envelope();
    spf::Verdict helo = checks_.check_helo(env);
    std::optional<spf::Verdict> mail_from;
    if (helo.result != spf::Result::kFail && !query.sender.empty())
      mail_from = checks_.check_mail_from(env);
    out.decision = decide(query, helo, mail_from, settings_);
  }
  if (!query.instance.empty()) cache_.insert(query.instance, std::move(key), out.decision);
  out.kind = Outcome::Kind::kDecided;
  out.reply = format_reply(out.decision.text);
  return out;
}

}  // namespace postseal::policy
