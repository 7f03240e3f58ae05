/// \file
/// Syslog or file output for Logger.
#include "log/logger.h"

#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

#include <ctime>
#include <iostream>

#include "dkim/key.h"
#include "util/unique_fd.h"

namespace postseal::log {
namespace {

std::string qid_prefix(const std::string& qid) { return (qid.empty() ? "NOQUEUE" : qid) + ": "; }

}  // namespace

Logger::Logger(std::string program, std::string file, bool also_stderr)
    : program_(std::move(program)), file_(std::move(file)), stderr_(also_stderr) {
  if (file_.empty()) ::openlog(program_.c_str(), LOG_PID | LOG_NDELAY, LOG_MAIL);
}

Logger::~Logger() {
  if (file_.empty()) ::closelog();
}

void Logger::line(const std::string& text) {
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
  char host[256] = "localhost";
  ::gethostname(host, sizeof host - 1);
  std::string out = std::string(stamp) + " " + host + " " + program_ + "[" +
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

void Logger::reinjected(const std::string& queue_id, size_t recipients) {
  line(qid_prefix(queue_id) + "reinjected, nrcpt=" + std::to_string(recipients));
}

void Logger::warning(const std::string& queue_id, const std::string& text) {
  line("warning: " + qid_prefix(queue_id) + text);
}

}  // namespace postseal::log
