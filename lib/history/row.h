/// \file
/// One row of the DMARC history: what a single evaluation saw and decided, in the shape
/// RFC 9990 aggregate reports need (source IP, identifiers, the policy as published,
/// the disposition, the SPF and DKIM results uninterpreted). Rows are plain values,
/// built from a message session's verdicts; pure, no I/O; thread-safe as values are.
#ifndef POSTSEAL_HISTORY_ROW_H
#define POSTSEAL_HISTORY_ROW_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "session/session.h"

namespace postseal::history {

/// One DKIM signature's result (RFC 9990 §3.1.1.12: domain, selector, result).
struct DkimResult {
  std::string domain;
  std::string selector;
  std::string result;  ///< RFC 8601 §2.7.1 name: pass, fail, neutral, policy, ...

  bool operator==(const DkimResult&) const = default;
  auto operator<=>(const DkimResult&) const = default;
};

struct Row {
  int64_t time = 0;           ///< seconds since the epoch
  std::string source_ip;      ///< the SMTP client; empty for a local submission
  std::string header_from;    ///< RFC5322.From domain
  std::string envelope_from;  ///< RFC5321.MailFrom domain; empty for the null sender
  std::string envelope_to;    ///< the first recipient's domain
  std::string policy_domain;  ///< where the record in force was found; empty: none
  /// The record as published (RFC 9990 §3.1.1.5): p, sp, np as "none", "quarantine",
  /// "reject" (sp and np empty when absent), adkim and aspf "r" or "s", testing "y" or
  /// "n", psd "y", "n" or "u".
  std::string p, sp, np, adkim, aspf, testing, psd;
  std::string discovery_method = "treewalk";  ///< RFC 9989 §4.10
  std::string dmarc_result;                   ///< none, pass, fail, temperror, permerror
  bool dkim_aligned = false;                  ///< an aligned DKIM pass (policy_evaluated/dkim)
  bool spf_aligned = false;                   ///< an aligned SPF pass (policy_evaluated/spf)
  std::string disposition_applied;            ///< none, quarantine, reject: what was done
  std::string disposition_requested;          ///< what the policy asked for (after t=)
  /// RFC 9990 §3.1.6 override type (local_policy, policy_test_mode, ...) and comment;
  /// empty when the policy was applied as asked.
  std::string override_reason, override_comment;
  std::string spf_domain;
  std::string spf_scope;         ///< mfrom or helo; empty when there was no SPF result
  std::string spf_result;        ///< RFC 8601 §2.7.2 name; empty when there was none
  std::vector<DkimResult> dkim;  ///< one per checked signature, top down

  bool operator==(const Row&) const = default;
};

/// The row for one message. The disposition applied is `applied`: "none" after the queue
/// (the after-queue filter never rejects or quarantines, it only marks), "reject" for a
/// message the before-queue daemon refused (550 5.7.1); the requested
/// one is what the policy in force asked for, and the override reason is the local
/// override list's type when one matched (Evaluation::override_reason), else
/// policy_test_mode for t=y, else local_policy. `first_recipient` is an address (its
/// domain is kept). nullopt when no DMARC evaluation was made (no From, DMARC off).
/// Never throws.
std::optional<Row> row_from(const session::Verdicts& verdicts, const session::Client& client,
                            int64_t time, const std::string& first_recipient,
                            const std::string& applied = "none");

/// The domain of an address ("<a@Example.ORG>" -> "example.org"); empty when there is
/// none. Never throws.
std::string address_domain(const std::string& address);

}  // namespace postseal::history

#endif  // POSTSEAL_HISTORY_ROW_H
