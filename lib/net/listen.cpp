/// \file
/// Listening and connecting sockets (see listen.h).
#include "net/listen.h"

#include <cerrno>
#include <chrono>
#include <memory>
#include <system_error>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "io/fd_io.h"
#include "util/errors.h"

namespace postseal::net {
namespace {

constexpr int kBacklog = 128;

Result<uint16_t> parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5) return Error{"bad port \"" + std::string(s) + "\""};
  unsigned n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return Error{"bad port \"" + std::string(s) + "\""};
    n = n * 10 + static_cast<unsigned>(c - '0');
  }
  if (n == 0 || n > 65535) return Error{"bad port \"" + std::string(s) + "\""};
  return static_cast<uint16_t>(n);
}

sockaddr_un unix_address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  path.copy(addr.sun_path, sizeof addr.sun_path - 1);
  return addr;
}

void set_nodelay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace

Result<ListenAddress> parse_listen(std::string_view value) {
  ListenAddress a;
  if (value.starts_with("unix:")) {
    a.kind = ListenAddress::Kind::kUnix;
    a.path = std::string(value.substr(5));
    if (a.path.empty() || a.path[0] != '/') return Error{"unix: needs an absolute path"};
    if (a.path.size() >= sizeof(sockaddr_un{}.sun_path))
      return Error{"socket path longer than " +
                   std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) + " bytes"};
    return a;
  }
  if (value.starts_with("inet:")) {
    a.kind = ListenAddress::Kind::kInet;
    std::string_view rest = value.substr(5);
    std::string_view port;
    if (rest.starts_with("[")) {
      auto close = rest.find(']');
      if (close == std::string_view::npos || rest.substr(close + 1, 1) != ":")
        return Error{"expected inet:[ADDRESS]:PORT"};
      a.host = std::string(rest.substr(1, close - 1));
      port = rest.substr(close + 2);
    } else {
      auto colon = rest.rfind(':');
      if (colon == std::string_view::npos) return Error{"expected inet:HOST:PORT"};
      a.host = std::string(rest.substr(0, colon));
      if (a.host.find(':') != std::string::npos)
        return Error{"an IPv6 address goes in brackets: inet:[ADDRESS]:PORT"};
      port = rest.substr(colon + 1);
    }
    if (a.host.empty()) return Error{"inet: needs a host"};
    auto p = parse_port(port);
    if (!p.ok()) return Error{p.message()};
    a.port = *p;
    return a;
  }
  return Error{"expected unix:PATH or inet:HOST:PORT"};
}

std::string describe(const ListenAddress& a) {
  if (a.kind == ListenAddress::Kind::kUnix) return "unix:" + a.path;
  bool v6 = a.host.find(':') != std::string::npos;
  return "inet:" + (v6 ? "[" + a.host + "]" : a.host) + ":" + std::to_string(a.port);
}

UniqueFd open_listener(const ListenAddress& a, const SocketAccess& access) {
  UniqueFd fd;
  if (a.kind == ListenAddress::Kind::kUnix) {
    sockaddr_un addr = unix_address(a.path);
    // A socket left by a daemon that died is removed; one that a running daemon still
    // answers on is not taken over.
    struct stat st;
    if (::lstat(a.path.c_str(), &st) == 0) {
      if (!S_ISSOCK(st.st_mode)) throw ConfigError(a.path + ": exists and is not a socket");
      UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
      if (probe && ::connect(probe.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0)
        throw ConfigError(a.path + ": another daemon is listening on it");
      ::unlink(a.path.c_str());
    }
    fd.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) throw TempFailure("socket: " + io::errno_text(errno));
    // Nobody may connect before the mode and owner are right: bind with no access for
    // group and others, then widen to the configured mode.
    mode_t old = ::umask(0177);
    int rc = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    int err = errno;
    ::umask(old);
    if (rc != 0) throw TempFailure("bind " + a.path + ": " + io::errno_text(err));
    if ((access.uid != static_cast<uid_t>(-1) || access.gid != static_cast<gid_t>(-1)) &&
        ::chown(a.path.c_str(), access.uid, access.gid) != 0)
      throw TempFailure("chown " + a.path + ": " + io::errno_text(errno));
    if (::chmod(a.path.c_str(), access.mode) != 0)
      throw TempFailure("chmod " + a.path + ": " + io::errno_text(errno));
  } else {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* res = nullptr;
    std::string port = std::to_string(a.port);
    int rc = ::getaddrinfo(a.host.c_str(), port.c_str(), &hints, &res);
    if (rc != 0) throw ConfigError(describe(a) + ": " + ::gai_strerror(rc));
    std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(res, ::freeaddrinfo);
    fd.reset(::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) throw TempFailure("socket: " + io::errno_text(errno));
    int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd.get(), res->ai_addr, res->ai_addrlen) != 0)
      throw TempFailure("bind " + describe(a) + ": " + io::errno_text(errno));
  }
  if (::listen(fd.get(), kBacklog) != 0)
    throw TempFailure("listen " + describe(a) + ": " + io::errno_text(errno));
  return fd;
}

UniqueFd connect_to(const ListenAddress& a, int timeout_ms) {
  const std::string where = describe(a);
  auto finish_connect = [&](UniqueFd fd, const sockaddr* addr, socklen_t len) -> UniqueFd {
    // Non-blocking connect with a deadline, then back to blocking.
    int flags = ::fcntl(fd.get(), F_GETFL);
    ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK);
    if (::connect(fd.get(), addr, len) != 0) {
      if (errno != EINPROGRESS && errno != EAGAIN)
        throw TempFailure("connect to " + where + ": " + io::errno_text(errno));
      pollfd p{fd.get(), POLLOUT, 0};
      int n;
      do n = ::poll(&p, 1, timeout_ms);
      while (n < 0 && errno == EINTR);
      if (n == 0) throw TempFailure("connect to " + where + ": timed out");
      int err = 0;
      socklen_t elen = sizeof err;
      ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &elen);
      if (err != 0) throw TempFailure("connect to " + where + ": " + io::errno_text(err));
    }
    ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
    return fd;
  };
  if (a.kind == ListenAddress::Kind::kUnix) {
    sockaddr_un addr = unix_address(a.path);
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) throw TempFailure("socket: " + io::errno_text(errno));
    return finish_connect(std::move(fd), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string port = std::to_string(a.port);
  int rc = ::getaddrinfo(a.host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) throw TempFailure("connect to " + where + ": " + ::gai_strerror(rc));
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(res, ::freeaddrinfo);
  UniqueFd fd(::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw TempFailure("socket: " + io::errno_text(errno));
  set_nodelay(fd.get());
  return finish_connect(std::move(fd), res->ai_addr, res->ai_addrlen);
}

std::string prepare_accepted(int fd) {
  sockaddr_storage peer{};
  socklen_t len = sizeof peer;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) return "local";
  if (peer.ss_family != AF_INET && peer.ss_family != AF_INET6) return "local";
  set_nodelay(fd);
  char host[NI_MAXHOST], serv[NI_MAXSERV];
  if (::getnameinfo(reinterpret_cast<sockaddr*>(&peer), len, host, sizeof host, serv,
                    sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return "unknown";
  return std::string("[") + host + "]:" + serv;
}

}  // namespace postseal::net
