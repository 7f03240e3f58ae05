/// \file
/// Postfix-style logging: "QUEUEID: name=value, name=value" lines with Postfix's
/// severity prefixes, to syslog (LOG_MAIL, ident = program name) or appended to a file,
/// and echoed to stderr when asked. One method per event, so each format is defined once
/// (chasquid's maillog). Never logs key material. Not thread-safe.
#ifndef POSTSEAL_LOG_LOGGER_H
#define POSTSEAL_LOG_LOGGER_H

#include <string>
#include <vector>

#include "config/key_store.h"

namespace postseal::log {

class Logger {
 public:
  /// Logs as `program` to syslog, or to `file` when it is not empty.
  Logger(std::string program, std::string file, bool also_stderr);
  ~Logger();

  /// "QID: dkim-sign, from=<a@b>, d=example.com, s=sel, a=rsa-sha256" per key.
  void signed_message(const std::string& queue_id, const std::string& author,
                      const std::vector<config::SigningKey>& keys);
  /// "QID: not signed, from=<a@b>, reason=..."
  void not_signed(const std::string& queue_id, const std::string& author,
                  const std::string& reason);
  /// "QID: reinjected, nrcpt=N"
  void reinjected(const std::string& queue_id, size_t recipients);
  /// "warning: QID: text"
  void warning(const std::string& queue_id, const std::string& text);

  /// One raw line (severity prefix included by the caller).
  void line(const std::string& text);

 private:
  std::string program_;
  std::string file_;
  bool stderr_;
};

}  // namespace postseal::log

#endif  // POSTSEAL_LOG_LOGGER_H
