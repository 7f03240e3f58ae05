/// \file
/// The SMTP client side of postseal-filter --daemon: one connection to the next hop
/// (Postfix's reinjection smtpd), kept open across transactions. Blocking I/O with a
/// deadline on every read and write (next-hop-timeout), so a next hop that hangs costs
/// one timeout and a 451, never a stuck connection. Not thread-safe: one per client
/// connection.
#ifndef POSTSEAL_SMTP_CLIENT_H
#define POSTSEAL_SMTP_CLIENT_H

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "net/listen.h"
#include "smtp/protocol.h"
#include "util/unique_fd.h"

namespace postseal::smtp {

class Client {
 public:
  /// `helo_name` is what EHLO says.
  Client(net::ListenAddress where, int timeout_ms, std::string helo_name);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Connects, reads the greeting and says EHLO (HELO when EHLO is refused). Returns the
  /// reply that settles it: 250 when the connection is ready, else the greeting or EHLO
  /// reply that refused (then the connection is closed). Throws TempFailure when the
  /// next hop cannot be reached, times out or talks nonsense.
  Reply open();
  bool is_open() const { return static_cast<bool>(fd_); }

  /// Whether EHLO announced `keyword` (upper case: "PIPELINING", "SIZE", "8BITMIME",
  /// "SMTPUTF8", "DSN", "XFORWARD").
  bool supports(std::string_view keyword) const;
  /// The attribute names after "XFORWARD" in the EHLO reply.
  const std::vector<std::string>& xforward_names() const { return xforward_; }

  /// Sends one command line (CRLF added) and reads its reply. Throws TempFailure on a
  /// timeout, an I/O error or a malformed reply (the connection is then closed).
  Reply command(std::string_view line);

  /// Sends message content after a 354: `produce` writes the message through the
  /// DataWriter it is given; the terminating dot follows. Then reads the final reply.
  /// Throws as command() does.
  Reply data(const std::function<void(DataWriter&)>& produce);

  /// QUIT (best effort, not waiting long) and close.
  void quit();
  /// Open, and the next hop has said nothing since the last reply (a 421 or a closed
  /// connection would be waiting to be read): fit to start a new transaction on.
  bool idle_and_open() const;
  /// Closes without a word (after trouble).
  void close() { fd_.reset(); }

  const std::string& where() const { return where_text_; }

 private:
  Reply read_reply();
  void send(std::string_view bytes);

  net::ListenAddress where_;
  std::string where_text_;
  int timeout_ms_;
  std::string helo_name_;
  UniqueFd fd_;
  ReplyReader replies_;
  std::vector<std::string> keywords_;
  std::vector<std::string> xforward_;
};

}  // namespace postseal::smtp

#endif  // POSTSEAL_SMTP_CLIENT_H
