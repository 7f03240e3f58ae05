/// \file
/// The Postfix policy delegation protocol (SMTPD_POLICY_README, "Protocol description"),
/// request side: "name=value" lines ending in LF, an empty line ends a request, and many
/// requests follow each other on one connection. RequestParser is pure and incremental
/// (OpenSMTPD's shape): feed() it bytes as they arrive, in pieces of any size, and take
/// complete requests with next(). Memory is bounded by the line-length and attribute
/// limits whatever the peer sends. Not thread-safe: one parser per connection.
#ifndef POSTSEAL_POLICY_REQUEST_H
#define POSTSEAL_POLICY_REQUEST_H

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace postseal::policy {

/// One complete request: its attributes in the order received. Unknown names are kept
/// (and ignored by the decision code); each name occurs once.
struct Request {
  std::vector<std::pair<std::string, std::string>> attributes;

  /// The value of attribute `name`, or an empty view when it is absent.
  std::string_view get(std::string_view name) const;
  /// True when attribute `name` was sent (possibly with an empty value).
  bool has(std::string_view name) const;
};

/// The outcome of reading one request: either a Request, or why it was malformed.
/// A malformed request was still read up to its empty line, so the connection stays in
/// step and the daemon can answer it and go on with the next one.
struct ParsedRequest {
  Request request;
  std::string error;  ///< empty when the request is well formed
  bool ok() const { return error.empty(); }
};

struct ParserLimits {
  /// The longest line accepted, LF excluded (a CR before it counts). Postfix's attributes are
  /// short; its longest are addresses (up to 512 octets with SMTPUTF8) and certificate
  /// subjects.
  std::size_t max_line = 4096;
  /// The most attributes in one request. Postfix 3.7 sends about 35.
  std::size_t max_attributes = 100;
};

class RequestParser {
 public:
  explicit RequestParser(ParserLimits limits = {});

  /// Appends bytes received from the peer. Never fails; anything wrong with them is
  /// reported by next() as a malformed request.
  void feed(std::string_view bytes);

  /// The next complete request (well formed or not) in the bytes fed so far, or nullopt
  /// when more bytes are needed.
  std::optional<ParsedRequest> next();

  /// True when part of a request has been received but not its final empty line (so a
  /// quiet peer is slow, not idle).
  bool in_request() const;

 private:
  void take_line(std::string_view line);

  ParserLimits limits_;
  std::string partial_;           // the start of a line whose LF has not come yet
  bool discarding_ = false;       // skipping the rest of a line that was too long
  ParsedRequest current_;         // the request being read
  bool current_started_ = false;  // current_ has had at least one line
  std::deque<ParsedRequest> done_;
};

/// An empty-line-terminated reply ("action=TEXT\n\n"). Any CR, LF or other control
/// character in `action` becomes a space, so text that came from DNS (an SPF exp=
/// explanation) can never end the reply early or inject a second one.
std::string format_reply(std::string_view action);

}  // namespace postseal::policy

#endif  // POSTSEAL_POLICY_REQUEST_H
