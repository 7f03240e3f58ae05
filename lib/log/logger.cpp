/// \file
/// Syslog or file output for Logger.
#include "log/logger.h"

#include <ctime>
#include <iostream>

#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

#include "dkim/key.h"
#include "util/host_name.h"
#include "util/unique_fd.h"

namespace postseal::log {
namespace {

std::string qid_prefix(const std::string& qid) {
  return (qid.empty() ? "NOQUEUE" : qid) + ": ";
}

}  // namespace

Logger::Logger(std::string program, std::string file, bool also_stderr)
    : program_(std::move(program)), file_(std::move(file)), stderr_(also_stderr) {
  if (file_.empty()) ::openlog(program_.c_str(), LOG_PID | LOG_NDELAY, LOG_MAIL);
}

Logger::~Logger() {
  if (file_.empty()) ::closelog();
}

void Logger::line(const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stderr_) std::cerr << program_ << ": " << text << "\n";
  if (file_.empty()) {
    int prio = text.rfind("warning:", 0) == 0 ? LOG_WARNING
               : text.rfind("fatal:", 0) == 0 ? LOG_CRIT
                                              : LOG_INFO;
    ::syslog(prio, "%s", text.c_str());
    return;
  }
  // Postfix's maillog_file form: "Mon DD HH:MM:SS host program[pid]: text", one write
  // with O_APPEND so concurrent filters do not interleave within a line.
  char stamp[32];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&now, &tm);
  std::strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
  std::string out = std::string(stamp) + " " + host_name() + " " + program_ + "[" +
                    std::to_string(::getpid()) + "]: " + text + "\n";
  UniqueFd fd(::open(file_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
  if (fd) {
    ssize_t n = ::write(fd.get(), out.data(), out.size());
    (void)n;
  }
}

void Logger::signed_message(const std::string& queue_id, const std::string& author,
                            const std::vector<config::SigningKey>& keys) {
  for (const auto& k : keys)
    line(qid_prefix(queue_id) + "dkim-sign, from=<" + author + ">, d=" + k.domain +
         ", s=" + k.selector + ", a=" + std::string(dkim::algorithm_name(k.key->type())));
}

void Logger::not_signed(const std::string& queue_id, const std::string& author,
                        const std::string& reason) {
  line(qid_prefix(queue_id) + "not signed, from=<" + author + ">, reason=" + reason);
}

void Logger::dkim_verified(const std::string& queue_id, const dkim::SignatureResult* r) {
  if (r == nullptr) {
    line(qid_prefix(queue_id) + "dkim-verify, result=none");
    return;
  }
  line(qid_prefix(queue_id) + "dkim-verify, d=" + r->domain + ", s=" + r->selector +
       ", result=" + std::string(dkim::to_string(r->verdict)) +
       (r->reason.empty() ? "" : ", reason=" + r->reason));
}

void Logger::dmarc_evaluated(const std::string& queue_id, const dmarc::Evaluation& e) {
  std::string text = qid_prefix(queue_id) + "dmarc, from=" + e.author_domain +
                     ", result=" + std::string(dmarc::to_string(e.result));
  if (e.record)
    text += ", policy-domain=" + e.policy_domain + ", " + e.policy_tag + "=" +
            std::string(dmarc::to_string(e.policy));
  // The disposition is what a failing message asks for (after t=); a pass asks none.
  if (e.record && e.result == dmarc::Result::kFail)
    text += ", disposition=" + std::string(dmarc::to_string(e.disposition));
  if (!e.override_reason.empty())
    text += ", override=" + e.override_reason +
            ", applied=" + std::string(dmarc::to_string(e.applied)) + " (" +
            e.override_comment + ")";
  if (!e.aligned.empty()) text += ", aligned=" + e.aligned;
  line(text + ", reason=" + e.reason);
}

void Logger::reinjected(const std::string& queue_id, size_t recipients) {
  line(qid_prefix(queue_id) + "reinjected, nrcpt=" + std::to_string(recipients));
}

void Logger::relayed(const std::string& queue_id, const std::string& next_hop,
                     size_t recipients, const std::string& status, const std::string& reply) {
  line(qid_prefix(queue_id) + "next-hop=" + next_hop + ", nrcpt=" + std::to_string(recipients) +
       ", status=" + status + " (" + reply + ")");
}

void Logger::warning(const std::string& queue_id, const std::string& text) {
  line("warning: " + qid_prefix(queue_id) + text);
}

namespace {

/// The envelope part shared by the policy daemon's lines.
std::string spf_envelope(const SpfEvent& e) {
  return "instance=" + e.instance +
         ", client=" + (e.client_name.empty() ? "unknown" : e.client_name) + "[" +
         e.client_address + "], helo=<" + e.helo + ">, from=<" + e.sender + ">, to=<" +
         e.recipient + ">";
}

}  // namespace

void Logger::spf_checked(const SpfEvent& e) {
  line(qid_prefix(e.queue_id) + "spf, " + spf_envelope(e) + ", spf=" + e.result +
       ", identity=" + e.identity + ", action=" + e.action);
}

void Logger::spf_skipped(const SpfEvent& e) {
  line(qid_prefix(e.queue_id) + "spf skipped, " + spf_envelope(e) + ", reason=" + e.reason);
}

void Logger::policy_malformed(const std::string& peer, const std::string& reason,
                              const std::string& action) {
  line("warning: malformed policy request from " + peer + ": " + reason + "; answered " +
       action);
}

void Logger::daemon_started(const std::string& version, const std::string& where) {
  line("daemon started -- version " + version + ", listening on " + where);
}

void Logger::daemon_stopped(unsigned long connections) {
  line("daemon stopped -- " + std::to_string(connections) + " connections served");
}

void Logger::connection_warning(const std::string& peer, const std::string& text) {
  line("warning: " + peer + ": " + text);
}

void Logger::daemon_warning(const std::string& text) { line("warning: " + text); }

}  // namespace postseal::log
