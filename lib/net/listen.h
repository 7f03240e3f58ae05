/// \file
/// Socket addresses as the configuration writes them ("unix:/PATH", "inet:HOST:PORT",
/// "inet:[V6]:PORT"), listening sockets for the daemons (a unix socket with its mode and
/// owner set before anyone can connect; a stale socket file replaced, a live one not
/// taken over), and outgoing connections with a deadline. TCP sockets get TCP_NODELAY:
/// SMTP and the policy protocol exchange small messages, and Nagle's algorithm would
/// hold each one for a delayed ACK (~40 ms). Thread-safe (no state).
#ifndef POSTSEAL_NET_LISTEN_H
#define POSTSEAL_NET_LISTEN_H

#include <cstdint>
#include <string>
#include <string_view>

#include <sys/types.h>

#include "util/result.h"
#include "util/unique_fd.h"

namespace postseal::net {

/// Where to listen or connect: "unix:PATH" or "inet:HOST:PORT" ("inet:[V6]:PORT").
struct ListenAddress {
  enum class Kind { kUnix, kInet };
  Kind kind = Kind::kUnix;
  std::string path;  ///< kUnix: an absolute path
  std::string host;  ///< kInet: a host name or address, without brackets
  uint16_t port = 0;

  bool operator==(const ListenAddress&) const = default;
};

/// Parses an address value. On failure returns an Error saying what is wrong. Pure.
Result<ListenAddress> parse_listen(std::string_view value);

/// The address as the configuration writes it.
std::string describe(const ListenAddress& a);

/// Who may connect to a unix socket.
struct SocketAccess {
  mode_t mode = 0660;
  uid_t uid = static_cast<uid_t>(-1);  ///< owner; -1: leave as created
  gid_t gid = static_cast<gid_t>(-1);  ///< group; -1: leave as created
};

/// A non-blocking, close-on-exec listening socket at `a`. Throws ConfigError (the path
/// is not a socket; another daemon listens on it; an unknown host) or TempFailure (a
/// system call failed).
UniqueFd open_listener(const ListenAddress& a, const SocketAccess& access);

/// A blocking, close-on-exec connection to `a`, made within `timeout_ms`. Throws
/// TempFailure naming the address and the reason (refused, timed out, no such host).
UniqueFd connect_to(const ListenAddress& a, int timeout_ms);

/// "[192.0.2.1]:1234" for a TCP peer, "local" for a unix one. Sets TCP_NODELAY on TCP
/// sockets.
std::string prepare_accepted(int fd);

}  // namespace postseal::net

#endif  // POSTSEAL_NET_LISTEN_H
