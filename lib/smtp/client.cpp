/// \file
/// The next-hop SMTP client (see client.h).
#include "smtp/client.h"

#include <algorithm>
#include <array>
#include <cerrno>

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "io/fd_io.h"
#include "util/errors.h"

namespace postseal::smtp {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

}  // namespace

Client::Client(net::ListenAddress where, int timeout_ms, std::string helo_name)
    : where_(std::move(where)),
      where_text_(net::describe(where_)),
      timeout_ms_(timeout_ms),
      helo_name_(std::move(helo_name)) {}

Client::~Client() = default;

void Client::send(std::string_view bytes) {
  try {
    io::write_all(fd_.get(), bytes, "next hop " + where_text_);
  } catch (const TempFailure&) {
    fd_.reset();
    throw;
  }
}

Reply Client::read_reply() {
  std::array<char, 8192> buf;
  for (;;) {
    if (auto r = replies_.next()) {
      if (!r->ok()) {
        fd_.reset();
        throw TempFailure("next hop " + where_text_ + ": " + r->message());
      }
      return std::move(*r).value();
    }
    ssize_t n = ::recv(fd_.get(), buf.data(), buf.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string why = n == 0                                      ? "closed the connection"
                        : (errno == EAGAIN || errno == EWOULDBLOCK) ? "timed out"
                                                                    : io::errno_text();
      fd_.reset();
      throw TempFailure("next hop " + where_text_ + ": " + why);
    }
    replies_.feed(std::string_view(buf.data(), static_cast<size_t>(n)));
  }
}

Reply Client::open() {
  fd_ = net::connect_to(where_, timeout_ms_);
  timeval tv{timeout_ms_ / 1000, (timeout_ms_ % 1000) * 1000};
  ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd_.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  replies_ = ReplyReader();
  keywords_.clear();
  xforward_.clear();
  Reply greeting = read_reply();
  if (greeting.code != 220) {
    fd_.reset();
    return greeting;
  }
  Reply ehlo = command("EHLO " + helo_name_);
  if (ehlo.code != 250) {
    if (!is_open()) return ehlo;
    ehlo = command("HELO " + helo_name_);
    if (ehlo.code != 250) fd_.reset();
    return ehlo;
  }
  // The first line is the greeting; each further line one extension (RFC 5321 §4.1.1.1).
  for (size_t i = 1; i < ehlo.lines.size(); ++i) {
    std::string line = upper(ehlo.lines[i]);
    std::string keyword = line.substr(0, line.find(' '));
    keywords_.push_back(keyword);
    if (keyword == "XFORWARD") {
      size_t pos = line.find(' ');
      while (pos != std::string::npos) {
        size_t start = pos + 1;
        pos = line.find(' ', start);
        std::string name = line.substr(start, pos == std::string::npos ? pos : pos - start);
        if (!name.empty()) xforward_.push_back(name);
      }
    }
  }
  return ehlo;
}

bool Client::supports(std::string_view keyword) const {
  return std::find(keywords_.begin(), keywords_.end(), keyword) != keywords_.end();
}

Reply Client::command(std::string_view line) {
  std::string out;
  out.reserve(line.size() + 2);
  out.append(line).append("\r\n");
  send(out);
  return read_reply();
}

Reply Client::data(const std::function<void(DataWriter&)>& produce) {
  // The content goes out in 64 KiB writes, not one write per chunk the spool hands on.
  std::string buffer;
  buffer.reserve(64 * 1024);
  DataWriter writer([&](std::string_view d) {
    if (buffer.size() + d.size() > 64 * 1024 && !buffer.empty()) {
      send(buffer);
      buffer.clear();
    }
    if (d.size() >= 64 * 1024)
      send(d);
    else
      buffer.append(d);
  });
  produce(writer);
  writer.finish();
  if (!buffer.empty()) send(buffer);
  return read_reply();
}

bool Client::idle_and_open() const {
  if (!fd_) return false;
  pollfd p{fd_.get(), POLLIN | POLLRDHUP, 0};
  return ::poll(&p, 1, 0) == 0;
}

void Client::quit() {
  if (!fd_) return;
  try {
    timeval tv{1, 0};
    ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    command("QUIT");
  } catch (const std::exception&) {
    // Going away anyway.
  }
  fd_.reset();
}

}  // namespace postseal::smtp
