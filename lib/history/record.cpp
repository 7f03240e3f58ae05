/// \file
/// Recording one message's evaluation after delivery (see record.h).
#include "history/record.h"

#include <exception>

#include "history/store.h"

namespace postseal::history {

void record_after_delivery(const config::Settings& settings, const session::Session& message,
                           const session::Client& client,
                           const std::vector<std::string>& recipients,
                           const std::string& queue_id, log::Logger& logger, int64_t now) {
  // The message is already with the next hop: from here on, whatever goes wrong costs a
  // history row and a log line, never the mail and never a retry.
  try {
    const std::string& spec = settings.str("history");
    if (spec.empty()) return;
    auto row = row_from(message.verdicts(), client, now,
                        recipients.empty() ? std::string() : recipients.front());
    if (!row) return;
    open_store(spec, kWriteTimeoutSeconds)->insert({*row});
  } catch (const std::exception& e) {
    // The store's messages start with "history: " already.
    logger.warning(queue_id, std::string(e.what()) + "; row not written");
  }
}

}  // namespace postseal::history
