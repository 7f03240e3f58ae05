/// \file
/// postseal-policyd's listeners: a unix-domain socket (mode, owner and group set as
/// configured), a TCP socket, or one connection on stdin/stdout under spawn(8). The
/// thin I/O wrapper around RequestParser and PolicyService.
///
/// Threading: net::ConnectionServer's, one thread per connection, at most max_connections
/// at once. Postfix keeps one policy connection per smtpd process open between messages
/// (max_idle, max_ttl), and each request blocks in DNS lookups; SIGTERM ends idle
/// connections at once and busy ones after their current reply.
#ifndef POSTSEAL_POLICY_SERVER_H
#define POSTSEAL_POLICY_SERVER_H

#include <cstdint>
#include <string>
#include <string_view>

#include <sys/types.h>

#include "log/logger.h"
#include "net/listen.h"
#include "net/server.h"
#include "policy/policy_service.h"
#include "policy/request.h"

namespace postseal::policy {

using net::ListenAddress;
using net::parse_listen;

struct ServerOptions {
  ListenAddress listen;
  net::SocketAccess access;       ///< socket-mode, socket-owner, socket-group
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
  unsigned long connections() const { return connections_.connections(); }

 private:
  ServerOptions options_;
  PolicyService& service_;
  log::Logger& logger_;
  net::ConnectionServer connections_;
};

}  // namespace postseal::policy

#endif  // POSTSEAL_POLICY_SERVER_H
