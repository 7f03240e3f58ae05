/// \file
/// postseal-policyd's listeners: a unix-domain socket (mode, owner and group set as
/// configured), a TCP socket, or one connection on stdin/stdout under spawn(8). The
/// thin I/O wrapper around RequestParser and PolicyService.
///
/// Threading: one thread per connection, at most max_connections at once. Postfix keeps
/// one policy connection per smtpd process open between messages (max_idle, max_ttl),
/// so connections are long-lived and few (one per smtpd, default 100), and each request
/// blocks in DNS lookups: a blocking thread per connection is the simplest model that
/// lets slow lookups of one message never hold up another. At the limit, new
/// connections wait in the listen backlog until a thread is free. Every thread polls its
/// socket together with a shutdown pipe, so SIGTERM ends idle connections at once and
/// busy ones after their current reply.
#ifndef POSTSEAL_POLICY_SERVER_H
#define POSTSEAL_POLICY_SERVER_H

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include <sys/types.h>

#include "log/logger.h"
#include "policy/policy_service.h"
#include "policy/request.h"
#include "util/result.h"
#include "util/unique_fd.h"

namespace postseal::policy {

/// Where to listen: "unix:PATH" or "inet:HOST:PORT" ("inet:[V6]:PORT" for IPv6).
struct ListenAddress {
  enum class Kind { kUnix, kInet };
  Kind kind = Kind::kUnix;
  std::string path;  ///< kUnix: an absolute path
  std::string host;  ///< kInet: a host name or address, without brackets
  uint16_t port = 0;
};

/// Parses a `listen` value. On failure returns an Error saying what is wrong. Pure.
Result<ListenAddress> parse_listen(std::string_view value);

struct ServerOptions {
  ListenAddress listen;
  mode_t socket_mode = 0660;
  uid_t socket_uid = static_cast<uid_t>(-1);  ///< socket owner; -1: leave as created
  gid_t socket_gid = static_cast<gid_t>(-1);  ///< socket group; -1: leave as created
  unsigned idle_timeout = 300;    ///< seconds a connection may wait between requests
  unsigned request_timeout = 30;  ///< seconds from a request's first byte to its end
  unsigned max_connections = 100;
  ParserLimits limits;
  std::string version;  ///< for the "daemon started" log line
  int verbose = 0;      ///< 2 and more: also log idle disconnects
};

class Server {
 public:
  /// `service` and `logger` must outlive the server.
  Server(ServerOptions options, PolicyService& service, log::Logger& logger);
  ~Server();

  /// Creates the listening socket. On failure throws ConfigError (bad owner, group or
  /// path; the socket is in use by a running daemon) or TempFailure (a system call
  /// failed).
  void open_listener();

  /// Accepts and serves connections until stop(). Returns when every connection thread
  /// has finished; removes the unix socket. Throws TempFailure if accepting fails.
  void run();

  /// Serves one connection on `in_fd`/`out_fd` until the peer closes it, a timeout, or
  /// stop(); spawn(8) mode calls it with 0 and 1. Never throws.
  void serve(int in_fd, int out_fd, const std::string& peer);

  /// Asks run() and serve() to finish. Async-signal-safe: may be called from a signal
  /// handler.
  void stop();

  /// How many connections were served so far.
  unsigned long connections() const { return served_.load(); }

 private:
  struct Workers;
  void accept_loop(Workers& workers);

  ServerOptions options_;
  PolicyService& service_;
  log::Logger& logger_;
  UniqueFd listener_;
  UniqueFd stop_read_, stop_write_;  // the shutdown pipe: readable once stop() ran
  UniqueFd wake_read_, wake_write_;  // a byte each time a connection thread ends
  std::atomic<unsigned long> served_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace postseal::policy

#endif  // POSTSEAL_POLICY_SERVER_H
