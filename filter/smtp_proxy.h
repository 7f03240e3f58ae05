/// \file
/// One SMTP connection of postseal-filter --daemon: an ESMTP server for Postfix (the
/// smtp(8) client of an after-queue content_filter, or smtpd(8) as a before-queue
/// smtpd_proxy_filter) in lockstep with an SMTP client to the next hop. MAIL, RCPT and
/// XFORWARD go on to the next hop as they arrive and its replies come back, so every
/// recipient gets the next hop's own answer; the message is read into a session (signed
/// or verified on the way in) and sent on after the end of DATA. The client hears 250
/// only after the next hop said 250 for the message; everything else is a 4xx (a 5xx
/// from the next hop is passed back, and so is a before-queue DMARC reject), so Postfix
/// keeps every message that was not handed on.
#ifndef POSTSEAL_FILTER_SMTP_PROXY_H
#define POSTSEAL_FILTER_SMTP_PROXY_H

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/host_list.h"
#include "config/key_store.h"
#include "config/options.h"
#include "dns/unbound_resolver.h"
#include "log/logger.h"
#include "net/listen.h"
#include "net/server.h"
#include "session/session.h"
#include "smtp/client.h"
#include "spf/spf.h"
#include "util/result.h"

namespace postseal::history {
class BatchWriter;
}

namespace postseal::filter {

/// One `filter-listen` entry: "inet:127.0.0.1:10025 mode=verify before-queue".
struct ListenerSpec {
  net::ListenAddress address;
  std::optional<session::Mode> mode;  ///< unset: the `mode` option
  bool before_queue = false;          ///< a DMARC reject is a 550 here (smtpd_proxy_filter)
  std::string text;                   ///< as configured, for logs
};

/// Parses `filter-listen` (comma-separated entries). On failure returns an Error naming
/// the entry at fault. Pure.
Result<std::vector<ListenerSpec>> parse_filter_listen(std::string_view value);

/// Everything a connection needs that a configuration reload replaces: built once per
/// (re)load, shared read-only by every connection that started a transaction with it.
struct Runtime {
  Runtime(config::Settings s, config::KeyStore k)
      : settings(std::move(s)), keys(std::move(k)) {}
  config::Settings settings;
  config::KeyStore keys;
  std::unique_ptr<dns::UnboundResolver> resolver;
  std::unique_ptr<spf::Checker> spf;
  std::vector<session::Setup> setups;  ///< one per listener, in filter-listen order
  net::ListenAddress next_hop;
  int next_hop_timeout_ms = 60000;
  int smtp_timeout_ms = 300000;
  uint64_t size_limit = 0;          ///< 0: none
  size_t line_limit = 4096;         ///< smtp-line-limit: longest command line, CRLF not counted
  config::HostList xforward_hosts;  ///< inet clients whose XFORWARD is believed
  std::string hostname;             ///< greeting, EHLO and the next hop's EHLO
};

/// Builds a Runtime from settings for these listeners. Throws ConfigError naming the
/// option at fault (a bad key, an unreadable table, a bad next-hop, the resolver).
std::shared_ptr<const Runtime> make_runtime(const config::Settings& s,
                                            const std::vector<ListenerSpec>& listeners);

/// The Runtime in force; SIGHUP swaps it. Thread-safe.
class RuntimeHolder {
 public:
  std::shared_ptr<const Runtime> get() const {
    std::lock_guard lock(mu_);
    return current_;
  }
  void set(std::shared_ptr<const Runtime> r) {
    std::lock_guard lock(mu_);
    current_ = std::move(r);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Runtime> current_;
};

/// Next-hop connections kept open between client connections. Postfix's smtpd opens a
/// new proxy connection for every transaction, and a fresh next-hop connection each time
/// would cost a connect, a greeting, EHLO and QUIT per message; a connection whose
/// transaction ended goes back here and the next client connection takes it. At most
/// `max_idle` wait, each at most `max_age_ms` (well below smtpd's own idle timeout).
/// Thread-safe.
class NextHopPool {
 public:
  explicit NextHopPool(size_t max_idle = 64, int64_t max_age_ms = 10000)
      : max_idle_(max_idle), max_age_ms_(max_age_ms) {}
  ~NextHopPool();
  /// An idle connection to `where` (net::describe form), or null.
  std::unique_ptr<smtp::Client> take(const std::string& where);
  /// Keeps `c` for later, or says QUIT when it is unfit or the pool is full.
  void give(std::unique_ptr<smtp::Client> c);

 private:
  struct Idle {
    std::unique_ptr<smtp::Client> client;
    int64_t since_ms;
  };
  size_t max_idle_;
  int64_t max_age_ms_;
  std::mutex mu_;
  std::vector<Idle> idle_;
};

/// What every connection shares.
struct ProxyContext {
  const std::vector<ListenerSpec>& listeners;
  RuntimeHolder& runtime;
  log::Logger& logger;
  net::ConnectionServer& server;  ///< for the stop pipe
  history::BatchWriter* history;  ///< null: no history
  NextHopPool* pool;              ///< null: one next-hop connection per client connection
};

/// Serves one connection until QUIT, a timeout, an I/O error, or shutdown (after the
/// open transaction). Never throws.
void serve_smtp(const net::Connection& connection, const ProxyContext& context);

}  // namespace postseal::filter

#endif  // POSTSEAL_FILTER_SMTP_PROXY_H
