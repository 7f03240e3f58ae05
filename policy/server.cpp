/// \file
/// Listeners and connection threads of postseal-policyd (see server.h).
#include "policy/server.h"

#include <array>
#include <cerrno>
#include <chrono>
#include <system_error>

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "io/fd_io.h"
#include "util/clock.h"
#include "util/errors.h"

namespace postseal::policy {
namespace {

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

Server::Server(ServerOptions options, PolicyService& service, log::Logger& logger)
    : options_(std::move(options)),
      service_(service),
      logger_(logger),
      connections_(options_.max_connections, logger) {}

Server::~Server() = default;

void Server::stop() { connections_.stop(); }

void Server::open_listener() {
  connections_.listen(options_.listen, options_.access);
  logger_.daemon_started(options_.version, net::describe(options_.listen));
}

void Server::run() {
  connections_.run([this](const net::Connection& c) {
    // A reply the peer does not read must not block its thread for ever.
    timeval tv{static_cast<time_t>(options_.request_timeout), 0};
    ::setsockopt(c.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    serve(c.fd, c.fd, c.peer);
  });
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
        deadline = monotonic_ms() + int64_t{options_.request_timeout} * 1000;
      }
      int64_t wait = timing ? std::max<int64_t>(0, deadline - monotonic_ms())
                            : int64_t{options_.idle_timeout} * 1000;
      std::array<pollfd, 2> fds{{{in_fd, POLLIN, 0}, {connections_.stop_fd(), POLLIN, 0}}};
      int n =
          ::poll(fds.data(), fds.size(), static_cast<int>(std::min<int64_t>(wait, INT32_MAX)));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw TempFailure("poll: " + io::errno_text(errno));
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
        throw TempFailure("read: " + io::errno_text(errno));
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
