/// \file
/// Building a history row from a session's verdicts (see row.h).
#include "history/row.h"

#include "util/ascii.h"

namespace postseal::history {

namespace {

std::string policy_word(const std::optional<dmarc::Policy>& p) {
  return p ? std::string(dmarc::to_string(*p)) : std::string();
}

std::string psd_word(dmarc::Psd psd) {
  switch (psd) {
    case dmarc::Psd::kYes:
      return "y";
    case dmarc::Psd::kNo:
      return "n";
    case dmarc::Psd::kUnknown:
      break;
  }
  return "u";
}

}  // namespace

std::string address_domain(const std::string& address) {
  std::string a = address;
  if (!a.empty() && a.front() == '<') a.erase(0, 1);
  if (!a.empty() && a.back() == '>') a.pop_back();
  auto at = a.rfind('@');
  if (at == std::string::npos) return {};
  std::string d = ascii_lower(a.substr(at + 1));
  while (!d.empty() && d.back() == '.') d.pop_back();
  return d;
}

std::optional<Row> row_from(const session::Verdicts& verdicts, const session::Client& client,
                            int64_t time, const std::string& first_recipient,
                            const std::string& applied) {
  if (!verdicts.dmarc) return std::nullopt;
  const dmarc::Evaluation& e = *verdicts.dmarc;
  Row row;
  row.time = time;
  row.source_ip = client.address;
  row.header_from = e.author_domain;
  row.envelope_from = address_domain(client.sender);
  row.envelope_to = address_domain(first_recipient);
  row.policy_domain = e.policy_domain;
  if (e.record) {
    const dmarc::Record& r = *e.record;
    // RFC 9990 §3.1.1.5: "Unspecified tags have their default values": a record
    // without p is p=none (RFC 9989 §4.7); sp and np stay absent when not published.
    row.p = r.p ? policy_word(r.p) : "none";
    row.sp = policy_word(r.sp);
    row.np = policy_word(r.np);
    row.adkim = r.adkim == dmarc::Alignment::kStrict ? "s" : "r";
    row.aspf = r.aspf == dmarc::Alignment::kStrict ? "s" : "r";
    row.testing = r.testing ? "y" : "n";
    row.psd = psd_word(r.psd);
  }
  row.dmarc_result = std::string(dmarc::to_string(e.result));

  // The Evaluator checks both identifiers' alignment (RFC 9989 §4.10.2).
  row.dkim_aligned = e.dkim_aligned;
  row.spf_aligned = e.spf_aligned;

  // After the queue nothing is rejected or quarantined: a failing message is marked
  // in Authentication-Results and delivered. The requested disposition is kept apart
  // so that the report can say the policy was not applied, and why (RFC 9990 §3.1.6).
  bool failed = e.result == dmarc::Result::kFail;
  row.disposition_requested = failed ? std::string(dmarc::to_string(e.disposition)) : "none";
  row.disposition_applied = failed ? applied : "none";
  if (!e.override_reason.empty()) {
    // A local override list (dmarc/override.h) exempted the message: its own type.
    row.override_reason = e.override_reason;
    row.override_comment = e.override_comment;
  } else if (failed && e.record && e.record->testing && e.disposition != e.policy) {
    row.override_reason = "policy_test_mode";
  } else if (row.disposition_requested != row.disposition_applied) {
    row.override_reason = "local_policy";
    row.override_comment = "after-queue filter: marked instead of " + row.disposition_requested;
  }

  if (verdicts.spf) {
    row.spf_domain = verdicts.spf->domain;
    row.spf_result = verdicts.spf->result;
    row.spf_scope = client.sender.empty() ? "helo" : "mfrom";
  }
  for (const auto& d : verdicts.dkim)
    row.dkim.push_back({d.domain, d.selector, std::string(dkim::to_string(d.verdict))});
  return row;
}

}  // namespace postseal::history
