/// \file
/// The one call a front end makes to record a message's DMARC evaluation after it was
/// passed on: builds the row, opens the store named by the `history` option with a 2
/// second timeout, writes it. Any trouble becomes one warning line; nothing is thrown
/// and the message's fate is never touched. One short-lived connection per call (pipe
/// mode runs one process per message); the SMTP daemon uses BatchWriter instead.
#ifndef POSTSEAL_HISTORY_RECORD_H
#define POSTSEAL_HISTORY_RECORD_H

#include <cstdint>
#include <string>
#include <vector>

#include "config/options.h"
#include "log/logger.h"
#include "session/session.h"

namespace postseal::history {

/// Seconds a history write may wait for a lock, a connection or a statement.
inline constexpr int kWriteTimeoutSeconds = 2;

/// Records `message`'s evaluation (when there was one, and `history` is not empty) for
/// the envelope `client` and the first of `recipients`, at `now` (seconds since the
/// epoch). On failure logs "warning: QID: history: REASON; row not written" through
/// `logger`. Never throws.
void record_after_delivery(const config::Settings& settings, const session::Session& message,
                           const session::Client& client,
                           const std::vector<std::string>& recipients,
                           const std::string& queue_id, log::Logger& logger, int64_t now);

}  // namespace postseal::history

#endif  // POSTSEAL_HISTORY_RECORD_H
