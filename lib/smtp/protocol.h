/// \file
/// The SMTP wire format (RFC 5321, RFC 2920 pipelining, RFC 3461 xtext, Postfix's
/// XFORWARD_README), without I/O: a command-line reader, command parsing, the DATA
/// reader (dot-unstuffing, end detection, limits) and writer (dot-stuffing), a reply
/// parser for the next hop's answers, and reply formatting. Push-style like
/// mail::MessageParser: feed bytes in any chunks, take results out. Pure; not
/// thread-safe; one object per connection.
#ifndef POSTSEAL_SMTP_PROTOCOL_H
#define POSTSEAL_SMTP_PROTOCOL_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace postseal::smtp {

/// Reads CRLF-terminated lines (a bare LF also ends a line) from a byte stream.
class LineReader {
 public:
  /// `max_line`: the longest line accepted, without its line ending.
  explicit LineReader(size_t max_line = 4096) : max_line_(max_line) {}

  /// Appends bytes. Never fails.
  void feed(std::string_view bytes);

  /// The next complete line without its line ending, or nullopt when none is complete.
  /// A line longer than max_line is returned as an Error once (its bytes up to the
  /// line end are dropped) and reading goes on with the next line.
  std::optional<Result<std::string>> next();

  /// Bytes received after the last complete line (the raw tail). take_rest() moves them
  /// out, for switching to a DataReader after the DATA command.
  size_t buffered() const;
  std::string take_rest();

  /// True when nothing is buffered (every line taken): with pipelining, replies are
  /// flushed once this is true (RFC 2920 §3.1).
  bool empty() const { return buffered() == 0; }

 private:
  size_t max_line_;
  std::string buf_;
  size_t pos_ = 0;           // start of the unread data in buf_
  size_t scanned_ = 0;       // unread bytes already searched for a LF, none found
  bool discarding_ = false;  // inside a line that is too long
};

enum class Verb {
  kEhlo,
  kHelo,
  kLhlo,
  kMail,
  kRcpt,
  kData,
  kBdat,
  kRset,
  kNoop,
  kQuit,
  kVrfy,
  kHelp,
  kXforward,
  kStartTls,
  kUnknown,
};

/// A parsed command line.
struct Command {
  Verb verb = Verb::kUnknown;
  std::string word;  ///< the verb as sent, upper-cased ("MAIL")
  /// EHLO/HELO/LHLO: the domain; VRFY/HELP/NOOP: the text; MAIL/RCPT: the path
  /// without the angle brackets ("" for the null sender <>); XFORWARD: the raw
  /// attribute text.
  std::string argument;
  /// MAIL/RCPT ESMTP parameters in order, keyword upper-cased, value as sent (empty
  /// when the parameter has no "="): SIZE=1234, BODY=8BITMIME, SMTPUTF8, NOTIFY=...
  std::vector<std::pair<std::string, std::string>> params;
};

/// Parses one command line (no line ending). MAIL needs "FROM:" and RCPT "TO:" (any
/// case, a space after the colon tolerated as Postfix does), the path in <>; a source
/// route (<@a,@b:user@d>) is stripped (RFC 5321 §4.1.2). On a syntax error returns an
/// Error whose text fits after "501 5.5.2 ". An unknown verb is not an error (Verb
/// kUnknown). Pure.
Result<Command> parse_command(std::string_view line);

/// Writes MAIL FROM / RCPT TO lines as a client sends them: "MAIL FROM:<path> K=V ..."
/// (no line ending; a parameter with an empty value goes out as its bare keyword).
std::string format_path_command(std::string_view verb_and_colon, std::string_view path,
                                const std::vector<std::pair<std::string, std::string>>& params);

/// XFORWARD attributes (Postfix XFORWARD_README): NAME ADDR PORT PROTO HELO IDENT
/// SOURCE; values are xtext (RFC 3461). "[UNAVAILABLE]" and "[TEMPUNAVAIL]" are kept as
/// sent (the next hop understands them).
struct Xforward {
  std::vector<std::pair<std::string, std::string>> attributes;  ///< name upper-cased, decoded

  /// The value of `name` (upper case), or nullptr.
  const std::string* find(std::string_view name) const;
  /// Sets (replaces) one attribute.
  void set(std::string_view name, std::string value);
  bool empty() const { return attributes.empty(); }
};

/// Parses the argument of one XFORWARD command ("NAME=mx.example ADDR=192.0.2.1") into
/// `into` (later commands add to or replace earlier attributes). Unknown names are an
/// Error, as in Postfix. Pure.
Status parse_xforward(std::string_view argument, Xforward& into);

/// The XFORWARD command lines that carry `x` to a next hop that announced `supported`
/// (the names after "250-XFORWARD"); each line at most 512 bytes, values xtext-encoded,
/// attributes the next hop does not support left out. Empty when nothing is left.
/// The lines have no line ending; 512 bytes is their limit with the CRLF.
std::vector<std::string> format_xforward(const Xforward& x,
                                         const std::vector<std::string>& supported);

/// RFC 3461 xtext: '+' and bytes outside 33..126 and '=' become "+XX".
std::string xtext_encode(std::string_view s);
/// The inverse; an Error on a bad "+XX" sequence.
Result<std::string> xtext_decode(std::string_view s);

/// The message content after DATA: undoes dot-stuffing (RFC 5321 §4.5.2) and finds the
/// terminating "<CRLF>.<CRLF>". Line endings are passed through as received; the body
/// handed on is the message as the client meant it.
class DataReader {
 public:
  struct Limits {
    uint64_t max_bytes = 0;  ///< message size limit (0: none); past it the rest is discarded
    size_t max_line = 0;     ///< longest line in bytes without CRLF (0: none; RFC 5321: 998)
  };
  DataReader() = default;
  explicit DataReader(Limits limits) : limits_(limits) {}

  /// Takes bytes; unstuffed message bytes go to `out` (in chunks); returns how many of
  /// `bytes` were consumed: all of them, unless the end of data was found, in which case
  /// the bytes after ".<CRLF>" are not consumed (they are the next pipelined command).
  size_t feed(std::string_view bytes, const std::function<void(std::string_view)>& out);

  /// The terminating line was seen.
  bool done() const { return done_; }
  /// Message bytes so far (after unstuffing).
  uint64_t size() const { return size_; }
  /// The size limit was passed (the bytes past it were not handed to `out`).
  bool too_big() const { return too_big_; }
  /// A line longer than max_line was seen (its bytes were still handed on).
  bool line_too_long() const { return line_too_long_; }

 private:
  Limits limits_;
  int state_ = 0;  // position in the end-of-data / dot-stuffing state machine
  size_t line_length_ = 0;
  uint64_t size_ = 0;
  bool done_ = false;
  bool too_big_ = false;
  bool line_too_long_ = false;
};

/// Writes message content for DATA: dot-stuffs lines that begin with '.', turns a bare
/// LF into CRLF, and finish() ends with "<CRLF>.<CRLF>" (adding the CRLF a message
/// without a final line ending lacks).
class DataWriter {
 public:
  explicit DataWriter(std::function<void(std::string_view)> out) : out_(std::move(out)) {}
  void write(std::string_view bytes);
  void finish();

 private:
  void emit(std::string_view piece);  // to out_, small pieces gathered in buf_
  void flush();

  std::function<void(std::string_view)> out_;
  std::string buf_;
  bool at_line_start_ = true;
  bool after_cr_ = false;
};

/// A reply: its code, the enhanced status code when the first line carries one
/// (RFC 3463: "2.0.0"), and the text of each line without code and separator.
struct Reply {
  int code = 0;
  std::string enhanced;  ///< "" when none
  std::vector<std::string> lines;

  bool positive() const { return code >= 200 && code < 400; }
  bool transient() const { return code >= 400 && code < 500; }
  bool permanent() const { return code >= 500 && code < 600; }
  /// All lines joined with "; " (for logs), without the enhanced code.
  std::string text() const;
};

/// Reads replies from a server (multi-line "250-..." continuation, RFC 5321 §4.2.1).
class ReplyReader {
 public:
  explicit ReplyReader(size_t max_line = 4096, size_t max_lines = 100)
      : lines_(max_line), max_lines_(max_lines) {}
  void feed(std::string_view bytes) { lines_.feed(bytes); }
  /// The next complete reply, nullopt when none is complete yet, or an Error for a
  /// malformed one (a line without a three-digit code, codes differing between the lines
  /// of one reply, too many lines); after an Error the connection is not usable.
  std::optional<Result<Reply>> next();

 private:
  LineReader lines_;
  size_t max_lines_;
  Reply partial_;
  bool in_reply_ = false;
};

/// Formats a reply: "250 2.0.0 Ok\r\n"; each '\n'-separated line of `text` becomes a line
/// of a multi-line reply ("250-...\r\n" ... "250 ...\r\n"), each with the enhanced code
/// when one is given (RFC 2034). CR, LF and other control characters in the text are
/// not sent.
std::string format_reply(int code, std::string_view enhanced, std::string_view text);

/// The queue id in a Postfix "250 2.0.0 Ok: queued as 4XyZ1234" reply, or "".
std::string queued_as(const Reply& reply);

}  // namespace postseal::smtp

#endif  // POSTSEAL_SMTP_PROTOCOL_H
