/// \file
/// The log lines for one finished session, the same for every front end: what was
/// signed (or why not), each DKIM result, forged Authentication-Results removed.
#ifndef POSTSEAL_SESSION_LOG_H
#define POSTSEAL_SESSION_LOG_H

#include <string>

#include "log/logger.h"
#include "session/session.h"

namespace postseal::session {

/// Logs `session`'s verdicts under `queue_id`. Call after finish().
void log_verdicts(log::Logger& logger, const std::string& queue_id, const Session& session);

}  // namespace postseal::session

#endif  // POSTSEAL_SESSION_LOG_H
