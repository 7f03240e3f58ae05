/// \file
/// Incremental RFC 5322 message reader (OpenSMTPD's shape): feed() bytes in any chunks,
/// finish() at end of input. The header block is kept as HeaderField records with their
/// original bytes; body bytes are handed back to the caller as they arrive, never stored,
/// so memory is bounded by the header limits whatever the body size. Accepts LF-only
/// (as Postfix's pipe(8) delivers) and CRLF input. One parser per message; not
/// thread-safe.
#ifndef POSTSEAL_MAIL_MESSAGE_PARSER_H
#define POSTSEAL_MAIL_MESSAGE_PARSER_H

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mail/header.h"
#include "util/result.h"

namespace postseal::mail {

/// The line-ending convention of a message, taken from its first line.
enum class LineEnding { kLf, kCrlf };

/// The bytes of a line ending.
std::string_view eol_bytes(LineEnding e);

/// What an attacker's header block may cost (max-header-fields, header-field-size-limit,
/// header-size-limit); past any of them the parser fails.
struct ParseLimits {
  size_t max_header_fields = 1000;
  size_t max_field_bytes = 100 * 1024;  ///< one field, its folded lines and line ends included
  size_t max_header_bytes = 1024 * 1024;  ///< the whole header block
};

class MessageParser {
 public:
  explicit MessageParser(ParseLimits limits = {});

  /// Consumes the next bytes of the message. On success returns the part of `data` that
  /// belongs to the body (empty while the header block is still being read; a view into
  /// `data`). On failure (a limit exceeded, a line in the header block that is neither a
  /// field nor a continuation) returns an Error; the parser then accepts no more input.
  Result<std::string_view> feed(std::string_view data);

  /// Ends the input. A message that ends inside its header block (no empty line) has
  /// an empty body. On failure (an unterminated malformed line) returns an Error.
  Status finish();

  /// True once the empty line after the header block was seen (or finish() was called).
  bool headers_done() const { return done_; }
  /// The header fields in order of appearance (complete once headers_done()).
  const std::vector<HeaderField>& headers() const { return fields_; }
  /// The empty line that separated header and body as received ("\n", "\r\n"), or
  /// empty if the message had none.
  const std::string& separator() const { return separator_; }
  LineEnding line_ending() const { return eol_; }

 private:
  Status take_line(std::string_view line);
  Status flush_field();
  std::string field_too_long(std::string_view field) const;

  ParseLimits limits_;
  std::vector<HeaderField> fields_;
  std::string current_;  // the field being assembled (it may still get continuations)
  std::string line_;     // a partial line carried over between feed() calls
  std::string separator_;
  size_t header_bytes_ = 0;
  LineEnding eol_ = LineEnding::kLf;
  bool eol_known_ = false;
  bool done_ = false;
  bool failed_ = false;
};

}  // namespace postseal::mail

#endif  // POSTSEAL_MAIL_MESSAGE_PARSER_H
