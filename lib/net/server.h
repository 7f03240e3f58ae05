/// \file
/// The listener loop both daemons share: any number of listening sockets, one thread
/// per connection (threads are reused for later connections once theirs ends), at most
/// max_connections at once (more wait in the listen backlog),
/// and a stop pipe that every connection thread can poll, so SIGTERM ends idle
/// connections at once and lets busy ones finish what they are doing.
///
/// One blocking thread per connection is the simplest model in which a slow DNS lookup
/// or a slow peer on one connection never holds up another; Postfix opens few,
/// long-lived connections (one per smtpd or smtp process), so threads stay few.
#ifndef POSTSEAL_NET_SERVER_H
#define POSTSEAL_NET_SERVER_H

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "log/logger.h"
#include "net/listen.h"
#include "util/unique_fd.h"

namespace postseal::net {

/// One connection handed to a handler.
struct Connection {
  int fd = -1;          ///< owned by the server: closed after the handler returns
  std::string peer;     ///< "[ADDR]:PORT" or "local"
  size_t listener = 0;  ///< index of the listener that accepted it
};

class ConnectionServer {
 public:
  /// Serves one connection; runs on the connection's own thread. Must not throw (an
  /// exception that escapes is logged and the connection closed).
  using Handler = std::function<void(const Connection&)>;

  /// `logger` must outlive the server.
  ConnectionServer(unsigned max_connections, log::Logger& logger);
  ~ConnectionServer();
  ConnectionServer(const ConnectionServer&) = delete;
  ConnectionServer& operator=(const ConnectionServer&) = delete;

  /// Opens a listener (see open_listener) and adds it. Throws as open_listener does.
  void listen(const ListenAddress& a, const SocketAccess& access);

  /// Accepts and serves connections until stop(). Returns when every connection thread
  /// has finished; removes unix sockets. Throws TempFailure if polling fails.
  void run(const Handler& handler);

  /// Asks run() and the handlers to finish. Async-signal-safe.
  void stop();

  /// Readable once stop() ran: handlers poll it beside their socket.
  int stop_fd() const { return stop_read_.get(); }
  bool stopping() const { return stopping_.load(); }

  /// How many connections were accepted so far.
  unsigned long connections() const { return served_.load(); }

 private:
  struct Workers;
  struct Listening {
    UniqueFd fd;
    ListenAddress address;
    UniqueFd dir;  ///< kUnix: the socket's directory, to remove it after dropping root
  };
  void accept_loop(Workers& workers);
  void close_listeners();
  /// Wakes the accept loop (a connection ended, or a thread did).
  void poke();

  unsigned max_connections_;
  log::Logger& logger_;
  std::vector<Listening> listeners_;
  UniqueFd stop_read_, stop_write_;  // the shutdown pipe: readable once stop() ran
  UniqueFd wake_read_, wake_write_;  // a byte each time a connection thread ends
  std::atomic<unsigned long> served_{0};
  std::atomic<bool> stopping_{false};
};

/// The uid of a user name or number (-1 for ""). Throws ConfigError naming `option`.
uid_t user_id(const std::string& name, const std::string& option);
/// The gid of a group name or number (-1 for ""). Throws ConfigError naming `option`.
gid_t group_id(const std::string& name, const std::string& option);

/// Drops root: clears supplementary groups, then setgid(`group`) and setuid(`user`)
/// (names or numbers; `group` empty: the user's login group). Does nothing when `user`
/// is empty. When the process still runs as root afterwards and `allow_root` is false,
/// throws ConfigError saying which option to set. Throws ConfigError for an unknown
/// user or group, TempFailure when a call fails.
void drop_privileges(const std::string& user, const std::string& group, bool allow_root);

}  // namespace postseal::net

#endif  // POSTSEAL_NET_SERVER_H
