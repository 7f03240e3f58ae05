/// \file
/// Listeners and connection threads of postseal-policyd (see server.h).
#include "policy/server.h"

#include <array>
#include <cerrno>
#include <chrono>
#include <list>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "io/fd_io.h"
#include "util/errors.h"

namespace postseal::policy {
namespace {

constexpr int kBacklog = 128;

std::string errno_text(int e) { return std::system_category().message(e); }

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// A pipe whose ends are close-on-exec and non-blocking. Throws TempFailure.
void make_pipe(UniqueFd& read_end, UniqueFd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
    throw TempFailure("pipe: " + errno_text(errno));
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
}

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

std::string describe(const ListenAddress& a) {
  if (a.kind == ListenAddress::Kind::kUnix) return "unix:" + a.path;
  bool v6 = a.host.find(':') != std::string::npos;
  return "inet:" + (v6 ? "[" + a.host + "]" : a.host) + ":" + std::to_string(a.port);
}

/// The log fields of a decision.
log::SpfEvent event_of(const Outcome& o) {
  log::SpfEvent e;
  const Query& q = o.query;
  e.queue_id = q.queue_id;
  e.instance = q.instance;
  e.client_name = q.client_name;
  e.client_address = q.client_address;
  e.helo = q.helo;
  e.sender = q.sender;
  e.recipient = q.recipient;
  if (o.decision.verdict) {
    e.result = std::string(spf::to_string(o.decision.verdict->result));
    e.identity = std::string(spf::to_string(o.decision.verdict->identity));
  }
  e.action = std::string(to_string(o.decision.action));
  e.reason = o.decision.skipped;
  return e;
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

Server::Server(ServerOptions options, PolicyService& service, log::Logger& logger)
    : options_(std::move(options)), service_(service), logger_(logger) {
  make_pipe(stop_read_, stop_write_);
  make_pipe(wake_read_, wake_write_);
}

Server::~Server() = default;

void Server::stop() {
  stopping_ = true;
  char c = 's';
  ssize_t n = ::write(stop_write_.get(), &c, 1);
  (void)n;  // a full pipe is already readable, which is all that matters
}

void Server::open_listener() {
  const ListenAddress& a = options_.listen;
  if (a.kind == ListenAddress::Kind::kUnix) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    a.path.copy(addr.sun_path, sizeof addr.sun_path - 1);
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
    uid_t uid = options_.socket_uid;
    gid_t gid = options_.socket_gid;
    listener_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!listener_) throw TempFailure("socket: " + errno_text(errno));
    // Nobody may connect before the mode and owner are right: bind with no access for
    // group and others, then widen to socket-mode.
    mode_t old = ::umask(0177);
    int rc = ::bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    int err = errno;
    ::umask(old);
    if (rc != 0) throw TempFailure("bind " + a.path + ": " + errno_text(err));
    if ((uid != static_cast<uid_t>(-1) || gid != static_cast<gid_t>(-1)) &&
        ::chown(a.path.c_str(), uid, gid) != 0)
      throw TempFailure("chown " + a.path + ": " + errno_text(errno));
    if (::chmod(a.path.c_str(), options_.socket_mode) != 0)
      throw TempFailure("chmod " + a.path + ": " + errno_text(errno));
  } else {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* res = nullptr;
    std::string port = std::to_string(a.port);
    int rc = ::getaddrinfo(a.host.c_str(), port.c_str(), &hints, &res);
    if (rc != 0) throw ConfigError("listen: " + a.host + ": " + ::gai_strerror(rc));
    std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(res, ::freeaddrinfo);
    listener_.reset(::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!listener_) throw TempFailure("socket: " + errno_text(errno));
    int one = 1;
    ::setsockopt(listener_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(listener_.get(), res->ai_addr, res->ai_addrlen) != 0)
      throw TempFailure("bind " + describe(a) + ": " + errno_text(errno));
  }
  if (::listen(listener_.get(), kBacklog) != 0)
    throw TempFailure("listen " + describe(a) + ": " + errno_text(errno));
  logger_.daemon_started(options_.version, describe(a));
}

struct Server::Workers {
  struct Worker {
    std::thread thread;
    std::atomic<bool> done{false};
  };
  std::list<Worker> list;

  /// Joins the threads that have finished.
  void reap() {
    for (auto it = list.begin(); it != list.end();) {
      if (it->done) {
        it->thread.join();
        it = list.erase(it);
      } else {
        ++it;
      }
    }
  }
  void join_all() {
    for (auto& w : list) w.thread.join();
    list.clear();
  }
};

void Server::run() {
  Workers workers;
  auto finish = [&] {
    listener_.reset();
    if (options_.listen.kind == ListenAddress::Kind::kUnix)
      ::unlink(options_.listen.path.c_str());
    workers.join_all();
  };
  try {
    accept_loop(workers);
  } catch (...) {
    // Connection threads must end before their std::thread objects go: stop them as
    // SIGTERM would, then let main report the failure.
    stop();
    finish();
    throw;
  }
  finish();
}

void Server::accept_loop(Workers& workers) {
  int64_t warned_full = -1;  // when max-connections was last reported, in ms
  while (!stopping_) {
    workers.reap();
    bool full = workers.list.size() >= options_.max_connections;
    // Once a minute at most: under sustained load the limit is reached again each time
    // a connection ends.
    if (full && (warned_full < 0 || now_ms() - warned_full > 60000)) {
      logger_.daemon_warning("max-connections (" + std::to_string(options_.max_connections) +
                             ") reached; new connections wait until one ends");
      warned_full = now_ms();
    }
    std::array<pollfd, 3> fds{{{stop_read_.get(), POLLIN, 0},
                               {wake_read_.get(), POLLIN, 0},
                               {full ? -1 : listener_.get(), POLLIN, 0}}};
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      throw TempFailure("poll: " + errno_text(errno));
    }
    if (fds[0].revents != 0) break;
    if (fds[1].revents != 0) {
      char buf[64];
      while (::read(wake_read_.get(), buf, sizeof buf) > 0) {
      }
    }
    if (fds[2].revents == 0) continue;

    sockaddr_storage peer_addr{};
    socklen_t len = sizeof peer_addr;
    UniqueFd conn(::accept4(listener_.get(), reinterpret_cast<sockaddr*>(&peer_addr), &len,
                            SOCK_CLOEXEC));
    if (!conn) {
      int err = errno;
      if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR || err == ECONNABORTED) continue;
      logger_.daemon_warning("accept: " + errno_text(err));
      // Out of descriptors or memory: give connections a moment to end.
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    std::string peer = "local";
    if (peer_addr.ss_family == AF_INET || peer_addr.ss_family == AF_INET6) {
      // Replies are single small writes; Nagle would hold each one for a delayed ACK.
      int one = 1;
      ::setsockopt(conn.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      char host[NI_MAXHOST], serv[NI_MAXSERV];
      if (::getnameinfo(reinterpret_cast<sockaddr*>(&peer_addr), len, host, sizeof host, serv,
                        sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) == 0)
        peer = std::string("[") + host + "]:" + serv;
    }
    // A reply the peer does not read must not block its thread for ever.
    timeval tv{static_cast<time_t>(options_.request_timeout), 0};
    ::setsockopt(conn.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    auto& w = workers.list.emplace_back();
    try {
      w.thread = std::thread([this, &w, fd = std::move(conn), peer = std::move(peer)] {
        serve(fd.get(), fd.get(), peer);
        w.done = true;
        char c = 'w';
        ssize_t n = ::write(wake_write_.get(), &c, 1);
        (void)n;  // a full pipe already wakes the accept loop
      });
    } catch (const std::system_error& e) {
      // No thread (resource limits): the connection is closed unanswered, and Postfix
      // retries it.
      workers.list.pop_back();
      logger_.daemon_warning(std::string("cannot start a connection thread: ") + e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    ++served_;
  }
}

void Server::serve(int in_fd, int out_fd, const std::string& peer) {
  try {
    RequestParser parser(options_.limits);
    std::array<char, 4096> buf;
    bool timing = false;  // a request has begun and its deadline runs
    int64_t deadline = 0;
    for (;;) {
      bool answered = false;
      while (auto request = parser.next()) {
        Outcome o = service_.handle(*request);
        switch (o.kind) {
          case Outcome::Kind::kMalformed:
            logger_.policy_malformed(peer, o.error, o.decision.text);
            break;
          case Outcome::Kind::kDecided:
            if (o.decision.skipped.empty())
              logger_.spf_checked(event_of(o));
            else
              logger_.spf_skipped(event_of(o));
            break;
          case Outcome::Kind::kRepeated:
            break;
        }
        io::write_all(out_fd, o.reply, "reply to " + peer);
        answered = true;
      }
      if (answered || !parser.in_request()) timing = false;
      if (parser.in_request() && !timing) {
        timing = true;
        deadline = now_ms() + int64_t{options_.request_timeout} * 1000;
      }
      int64_t wait = timing ? std::max<int64_t>(0, deadline - now_ms())
                            : int64_t{options_.idle_timeout} * 1000;
      std::array<pollfd, 2> fds{{{in_fd, POLLIN, 0}, {stop_read_.get(), POLLIN, 0}}};
      int n =
          ::poll(fds.data(), fds.size(), static_cast<int>(std::min<int64_t>(wait, INT32_MAX)));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw TempFailure("poll: " + errno_text(errno));
      }
      if (fds[1].revents != 0) return;  // shutting down; Postfix retries elsewhere or later
      if (n == 0) {
        if (timing)
          logger_.connection_warning(peer, "request not complete after " +
                                               std::to_string(options_.request_timeout) +
                                               "s; disconnecting");
        else if (options_.verbose >= 2)
          logger_.line(peer + ": idle for " + std::to_string(options_.idle_timeout) +
                       "s; disconnecting");
        return;
      }
      ssize_t got = ::read(in_fd, buf.data(), buf.size());
      if (got < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        throw TempFailure("read: " + errno_text(errno));
      }
      if (got == 0) {
        if (parser.in_request())
          logger_.connection_warning(peer, "connection closed in the middle of a request");
        return;
      }
      parser.feed(std::string_view(buf.data(), static_cast<size_t>(got)));
    }
  } catch (const std::exception& e) {
    // SMTPD_POLICY_README: in case of trouble, log and disconnect without a reply;
    // Postfix retries the request and, failing that, defers the mail (451 4.3.5).
    logger_.connection_warning(peer, std::string(e.what()) + "; disconnecting without a reply");
  }
}

}  // namespace postseal::policy
