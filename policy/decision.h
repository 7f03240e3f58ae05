/// \file
/// The SPF policy decision table, pure: from a policy request's attributes, the skip
/// lists, the SPF verdicts and the action settings to the reply Postfix gets (DUNNO,
/// PREPEND a Received-SPF or Authentication-Results field, or a 550 5.7.23 / 451 4.7.24
/// rejection, RFC 7372) and the fields its log line shows. No I/O, no clock, no DNS:
/// the verdicts are computed elsewhere and handed in. Thread-safe (all functions are
/// pure; PolicySettings is immutable once built).
#ifndef POSTSEAL_POLICY_DECISION_H
#define POSTSEAL_POLICY_DECISION_H

#include <optional>
#include <string>
#include <string_view>

#include "config/host_list.h"
#include "policy/request.h"
#include "spf/spf.h"
#include "util/result.h"

namespace postseal::policy {

/// What Postfix is told to do.
enum class Action { kDunno, kPrepend, kReject, kDefer };

/// "dunno", "prepend", "reject", "defer".
std::string_view to_string(Action a);

/// Parses "reject", "defer", "prepend" (the option values). On failure returns an Error.
Result<Action> parse_action(std::string_view word);

enum class HeaderType { kReceivedSpf, kAuthenticationResults };

struct PolicySettings {
  Action fail = Action::kReject;       ///< spf-fail-action
  Action softfail = Action::kPrepend;  ///< spf-softfail-action
  Action temperror = Action::kDefer;   ///< spf-temperror-action
  Action permerror = Action::kReject;  ///< spf-permerror-action
  bool malformed_defer = false;        ///< malformed-request-action = defer
  HeaderType header = HeaderType::kReceivedSpf;
  std::string receiver;            ///< our host name: receiver= in Received-SPF
  std::string authserv_id;         ///< Authentication-Results authserv-id
  config::HostList skip_networks;  ///< client addresses (or names) never checked
  config::HostList skip_helo;      ///< HELO names never checked
  config::HostList skip_senders;   ///< sender domains never checked
  bool skip_sasl = true;           ///< SASL-authenticated clients are never checked
};

/// The attributes of a request that SPF needs (SMTPD_POLICY_README names).
struct Query {
  std::string protocol_state;  ///< "RCPT", "MAIL", ...
  std::string instance;        ///< one value per message transaction
  std::string queue_id;        ///< often empty at RCPT time
  std::string client_address;
  std::string client_name;  ///< "unknown" when the address has no verified name
  std::string helo;
  std::string sender;  ///< empty for the null sender
  std::string recipient;
  std::string sasl_username;

  /// The SPF envelope of this query.
  spf::Envelope envelope() const;
};

/// The Query of a well-formed request. On failure (not request=smtpd_access_policy, no
/// client_address) returns an Error saying why; the caller answers as for a malformed
/// request.
Result<Query> parse_query(const Request& r);

/// Why this query is not checked at all, or nullopt when it must be. In this order:
/// "protocol_state" (only MAIL and RCPT are checked), "sasl", "network", "helo",
/// "sender".
std::optional<std::string> skip_reason(const Query& q, const PolicySettings& s);

/// The outcome for one query.
struct Decision {
  Action action = Action::kDunno;
  std::string text = "DUNNO";           ///< what follows "action=" in the reply
  std::string skipped;                  ///< the skip_reason(), when no check was made
  std::optional<spf::Verdict> verdict;  ///< the verdict that decided, when checked
};

/// A decision for an unchecked query (DUNNO, with the reason kept for the log).
Decision skip_decision(std::string reason);

/// The decision table. `helo` is the HELO identity's verdict; `mail_from` that of the
/// MAIL FROM identity, absent for the null sender and when HELO failed (then it is not
/// computed). The deciding verdict is HELO's when it is fail or the sender is null,
/// else MAIL FROM's; its result picks the action: fail, softfail, temperror and
/// permerror as the settings say, the others (pass, neutral, none) prepend the header.
Decision decide(const Query& q, const spf::Verdict& helo,
                const std::optional<spf::Verdict>& mail_from, const PolicySettings& s);

/// The header field a PREPEND adds for `v`: "Received-SPF: ..." (RFC 7208 §9.1) or
/// "Authentication-Results: ID; spf=... smtp.mailfrom=..." (RFC 8601 §2.7.2).
std::string header_field(const spf::Verdict& v, const Query& q, const PolicySettings& s);

}  // namespace postseal::policy

#endif  // POSTSEAL_POLICY_DECISION_H
