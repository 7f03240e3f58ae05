/// \file
/// Postfix-style logging: "QUEUEID: name=value, name=value" lines with Postfix's
/// severity prefixes, to syslog (LOG_MAIL, ident = program name) or appended to a file,
/// and echoed to stderr when asked. One method per event, so each format is defined once
/// (chasquid's maillog). Never logs key material. Thread-safe: lines from several
/// threads never interleave.
#ifndef POSTSEAL_LOG_LOGGER_H
#define POSTSEAL_LOG_LOGGER_H

#include <mutex>
#include <string>
#include <vector>

#include "config/key_store.h"
#include "dkim/verifier.h"
#include "dmarc/evaluate.h"

namespace postseal::log {

/// The fields of one SPF policy decision (postseal-policyd), as Postfix sent them.
struct SpfEvent {
  std::string queue_id;
  std::string instance;
  std::string client_name;
  std::string client_address;
  std::string helo;
  std::string sender;
  std::string recipient;
  std::string result;    ///< "pass", "fail", ... (spf_checked)
  std::string identity;  ///< "helo" or "mailfrom" (spf_checked)
  std::string action;    ///< "reject", "defer", "prepend" (spf_checked)
  std::string reason;    ///< why no check was made (spf_skipped)
};

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
  /// "QID: dkim-verify, d=example.com, s=sel, result=fail, reason=..." for one checked
  /// signature (d= and s= empty when unreadable), or "QID: dkim-verify, result=none".
  void dkim_verified(const std::string& queue_id, const dkim::SignatureResult* result);
  /// "QID: dmarc, from=example.com, result=fail, policy-domain=example.com, p=reject,
  /// disposition=quarantine, reason=..." for one evaluation; a local override adds
  /// "override=TYPE, applied=none (what matched)" after the disposition.
  void dmarc_evaluated(const std::string& queue_id, const dmarc::Evaluation& e);
  /// "QID: reinjected, nrcpt=N"
  void reinjected(const std::string& queue_id, size_t recipients);
  /// "QID: next-hop=inet:127.0.0.1:10026, nrcpt=2, status=sent (250 2.0.0 Ok: queued as
  /// 4Xy...)": what became of a message postseal-filter --daemon passed on (or refused:
  /// status=deferred, bounced, rejected).
  void relayed(const std::string& queue_id, const std::string& next_hop, size_t recipients,
               const std::string& status, const std::string& reply);
  /// "warning: QID: text"
  void warning(const std::string& queue_id, const std::string& text);

  /// "QID: spf, instance=I, client=NAME[ADDR], helo=<H>, from=<S>, to=<R>, spf=fail,
  /// identity=mailfrom, action=reject" (NOQUEUE when Postfix has no queue ID yet).
  void spf_checked(const SpfEvent& e);
  /// "QID: spf skipped, instance=I, client=NAME[ADDR], helo=<H>, from=<S>, to=<R>,
  /// reason=sasl"
  void spf_skipped(const SpfEvent& e);
  /// "warning: malformed policy request from PEER: REASON; answered ACTION"
  void policy_malformed(const std::string& peer, const std::string& reason,
                        const std::string& action);
  /// "daemon started -- version V, listening on WHERE"
  void daemon_started(const std::string& version, const std::string& where);
  /// "daemon stopped -- N connections served"
  void daemon_stopped(unsigned long connections);
  /// "warning: PEER: text" for trouble on one connection (timeouts, I/O errors).
  void connection_warning(const std::string& peer, const std::string& text);
  /// "warning: text" for trouble of the daemon as a whole.
  void daemon_warning(const std::string& text);

  /// One raw line (severity prefix included by the caller).
  void line(const std::string& text);

 private:
  std::string program_;
  std::string file_;
  bool stderr_;
  std::mutex mu_;
};

}  // namespace postseal::log

#endif  // POSTSEAL_LOG_LOGGER_H
