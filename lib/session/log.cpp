/// \file
/// Session verdicts to Postfix-style log lines.
#include "session/log.h"

namespace postseal::session {

void log_verdicts(log::Logger& logger, const std::string& queue_id, const Session& session) {
  const Plan& plan = session.plan();
  const Verdicts& v = session.verdicts();
  if (!plan.sign && !plan.verify) logger.not_signed(queue_id, v.author, plan.reason);
  if (plan.sign) {
    if (v.sign.kind == SignVerdict::Kind::kSigned)
      logger.signed_message(queue_id, v.author, v.sign.keys);
    else
      logger.not_signed(queue_id, v.author, v.sign.reason);
  }
  if (v.forged_removed > 0)
    logger.warning(queue_id, "removed " + std::to_string(v.forged_removed) +
                                 " Authentication-Results field(s) claiming our authserv-id");
  if (v.verified) {
    if (!v.header_error.empty())
      logger.warning(queue_id, "header not checked: " + v.header_error);
    else if (v.dkim.empty())
      logger.dkim_verified(queue_id, nullptr);
    for (const auto& r : v.dkim) logger.dkim_verified(queue_id, &r);
    if (v.dmarc) logger.dmarc_evaluated(queue_id, *v.dmarc);
    if (!v.dmarc_error.empty())
      logger.warning(queue_id, "DMARC not evaluated: " + v.dmarc_error);
    if (v.dns_refused > 0)
      logger.warning(queue_id, std::to_string(v.dns_refused) +
                                   " DNS lookup(s) not made: " + v.dns_limit + " (temperror)");
  }
}

}  // namespace postseal::session
