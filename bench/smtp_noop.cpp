/// \file
/// smtp_noop: the floor postseal-filter --daemon is measured against (bench/smtp_run).
/// An SMTP relay with the daemon's shape and none of its work: the same listener loop
/// (net::ConnectionServer, a thread per connection), the same next-hop client
/// (smtp::Client, one connection kept across transactions) and the same wire code
/// (smtp::LineReader, DataReader, DataWriter). EHLO and HELO are answered here (the
/// next hop is greeted by smtp::Client); XFORWARD, MAIL, RCPT, RSET and NOOP go on to
/// the next hop as received and its replies come back unchanged; the message is read to
/// its end into memory, then sent on with DATA, and the next hop's answer to it is the
/// answer. No session: nothing is parsed, signed, verified or logged per message. Any
/// trouble with the next hop is a 451 and the connection closes.
///
/// SYNOPSIS
///   smtp_noop --listen ADDR [--listen ADDR...] --next-hop ADDR
///   (ADDR as postseal.conf writes it: inet:127.0.0.1:10025, unix:/PATH). SIGTERM stops.
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <poll.h>
#include <unistd.h>

#include "io/fd_io.h"
#include "log/logger.h"
#include "net/listen.h"
#include "net/server.h"
#include "smtp/client.h"
#include "smtp/protocol.h"
#include "util/errors.h"

namespace {

using namespace postseal;

net::ConnectionServer* g_server = nullptr;

void on_signal(int) {
  if (g_server != nullptr) g_server->stop();
}

/// One client connection, relayed to its own next-hop connection.
class Relay {
 public:
  Relay(const net::Connection& c, const net::ListenAddress& hop, net::ConnectionServer& srv)
      : conn_(c), srv_(srv), next_(hop, 60000, "smtp-noop.localdomain") {}

  void run() {
    out_ = smtp::format_reply(220, "", "smtp-noop.localdomain ESMTP smtp_noop");
    for (;;) {
      while (auto line = lines_.next()) {
        if (!line->ok()) {
          reply(500, "5.5.2", "line too long");
        } else if (!handle(line->value())) {
          flush();
          return;
        }
      }
      flush();
      if (!read_into([&](std::string_view d) { lines_.feed(d); })) return;
    }
  }

 private:
  void reply(int code, std::string_view enhanced, std::string_view text) {
    out_ += smtp::format_reply(code, enhanced, text);
  }
  /// The next hop's reply as it was (its lines carry their own enhanced codes).
  void pass_back(const smtp::Reply& r) {
    std::string text;
    for (const auto& l : r.lines) text += (text.empty() ? "" : "\n") + l;
    reply(r.code, "", text);
  }
  void flush() {
    if (out_.empty()) return;
    io::write_all(conn_.fd, out_, "client");
    out_.clear();
  }
  /// Waits for bytes (or shutdown) and hands them to `sink`. False at the end.
  template <class Sink>
  bool read_into(Sink&& sink) {
    std::array<pollfd, 2> fds{{{conn_.fd, POLLIN, 0}, {srv_.stop_fd(), POLLIN, 0}}};
    int n;
    do n = ::poll(fds.data(), fds.size(), 300000);
    while (n < 0 && errno == EINTR);
    if (n <= 0 || fds[0].revents == 0) return false;
    std::array<char, 65536> buf;
    ssize_t r;
    do r = ::read(conn_.fd, buf.data(), buf.size());
    while (r < 0 && errno == EINTR);
    if (r <= 0) return false;
    sink(std::string_view(buf.data(), static_cast<size_t>(r)));
    return true;
  }
  /// Sends `line` on and passes the reply back. False after next-hop trouble.
  bool forward(std::string_view line) {
    try {
      if (!next_.is_open() && next_.open().code != 250) {
        reply(451, "4.4.1", "next hop refused the connection");
        return false;
      }
      pass_back(next_.command(line));
      return true;
    } catch (const TempFailure& e) {
      reply(451, "4.4.2", e.what());
      return false;
    }
  }
  bool handle(const std::string& line) {
    auto cmd = smtp::parse_command(line);
    if (!cmd.ok()) {
      reply(501, "5.5.2", cmd.message());
      return true;
    }
    switch (cmd.value().verb) {
      case smtp::Verb::kEhlo:
        reply(250, "",
              "smtp-noop.localdomain\nPIPELINING\nSIZE\n8BITMIME\nSMTPUTF8\nDSN\n"
              "ENHANCEDSTATUSCODES\nXFORWARD NAME ADDR PORT PROTO HELO IDENT SOURCE");
        return true;
      case smtp::Verb::kHelo:
        reply(250, "", "smtp-noop.localdomain");
        return true;
      case smtp::Verb::kXforward:
      case smtp::Verb::kMail:
      case smtp::Verb::kRcpt:
      case smtp::Verb::kRset:
      case smtp::Verb::kNoop:
        return forward(line);
      case smtp::Verb::kData:
        return data();
      case smtp::Verb::kQuit:
        reply(221, "2.0.0", "Bye");
        next_.quit();
        return false;
      default:
        reply(502, "5.5.1", "Error: command not implemented");
        return true;
    }
  }
  /// DATA: the whole message first (as the daemon reads it into its session), then on.
  bool data() {
    reply(354, "", "End data with <CR><LF>.<CR><LF>");
    flush();
    std::string message;
    smtp::DataReader reader;
    auto keep = [&](std::string_view d) { message.append(d); };
    std::string rest = lines_.take_rest();
    size_t used = reader.feed(rest, keep);
    std::string after = rest.substr(used);
    while (!reader.done()) {
      bool ok = read_into([&](std::string_view chunk) {
        size_t n = reader.feed(chunk, keep);
        if (reader.done()) after.assign(chunk.substr(n));
      });
      if (!ok) return false;
    }
    lines_.feed(after);
    try {
      smtp::Reply r = next_.command("DATA");
      if (r.code == 354) r = next_.data([&](smtp::DataWriter& w) { w.write(message); });
      pass_back(r);
      return true;
    } catch (const TempFailure& e) {
      reply(451, "4.4.2", e.what());
      return false;
    }
  }

  const net::Connection& conn_;
  net::ConnectionServer& srv_;
  smtp::Client next_;
  smtp::LineReader lines_{4096};
  std::string out_;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<net::ListenAddress> listen;
  net::ListenAddress hop;
  bool have_hop = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    auto a = net::parse_listen(argv[i + 1]);
    if (!a.ok()) {
      std::cerr << "smtp_noop: " << argv[i + 1] << ": " << a.message() << "\n";
      return 64;
    }
    if (std::strcmp(argv[i], "--listen") == 0) {
      listen.push_back(*a);
    } else if (std::strcmp(argv[i], "--next-hop") == 0) {
      hop = *a;
      have_hop = true;
    } else {
      std::cerr << "smtp_noop: unknown option " << argv[i] << "\n";
      return 64;
    }
  }
  if (listen.empty() || !have_hop) {
    std::cerr << "usage: smtp_noop --listen ADDR [--listen ADDR...] --next-hop ADDR\n";
    return 64;
  }
  try {
    log::Logger logger("smtp_noop", "/dev/null", true);
    net::ConnectionServer server(1000, logger);
    for (const auto& a : listen) server.listen(a, net::SocketAccess{});
    g_server = &server;
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    server.run([&](const net::Connection& c) {
      try {
        Relay(c, hop, server).run();
      } catch (const std::exception&) {
        // The client went away: the connection closes.
      }
    });
  } catch (const std::exception& e) {
    std::cerr << "smtp_noop: " << e.what() << "\n";
    return 75;
  }
  return 0;
}
