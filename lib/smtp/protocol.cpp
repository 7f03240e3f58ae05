/// \file
/// The SMTP wire format: command lines (RFC 5321 §4.1.1, §4.1.2), XFORWARD (Postfix
/// XFORWARD_README) and xtext (RFC 3461 §4), DATA transparency (RFC 5321 §4.5.2),
/// replies (RFC 5321 §4.2.1, RFC 2034, RFC 3463). The readers scan their input with
/// memchr and hand on spans; none of them works byte by byte through a callback.
#include "smtp/protocol.h"

#include <algorithm>
#include <cstring>

#include "util/check.h"

namespace postseal::smtp {
namespace {

// LineReader drops the bytes it has read only once they are at least this many and at
// least half of the buffer: the copy stays rare, and linear in what went through.
constexpr size_t kCompactAt = 4096;

// RFC 5321 §4.5.3.1.4 and §4.5.3.1.5: a command line and a reply line are at most 512
// octets with their CRLF.
constexpr size_t kMaxCommandLine = 512 - 2;

// DataWriter hands on pieces of at least this size as they are; smaller ones are
// gathered and handed on together.
constexpr size_t kDirectPiece = 4096;
constexpr size_t kGatherLimit = 16384;

constexpr std::string_view kXforwardNames[] = {"NAME", "ADDR",  "PORT",  "PROTO",
                                               "HELO", "IDENT", "SOURCE"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool is_space(char c) { return c == ' ' || c == '\t'; }
bool is_control(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

// A piece of the client's input to quote in an error reply: short, and with no CR or
// other control character that could end the reply line early.
std::string quoted_input(std::string_view s) {
  std::string out(s.substr(0, 32));
  for (char& c : out)
    if (is_control(c)) c = '?';
  return out;
}

std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

bool equals_nocase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ascii_upper(a) == ascii_upper(b);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The index of the first LF in s at or after `from`, or npos.
size_t find_lf(std::string_view s, size_t from) {
  if (from >= s.size()) return std::string_view::npos;
  const void* p = std::memchr(s.data() + from, '\n', s.size() - from);
  return p ? static_cast<const char*>(p) - s.data() : std::string_view::npos;
}

struct VerbName {
  std::string_view word;
  Verb verb;
};
constexpr VerbName kVerbs[] = {
    {"EHLO", Verb::kEhlo},         {"HELO", Verb::kHelo},         {"LHLO", Verb::kLhlo},
    {"MAIL", Verb::kMail},         {"RCPT", Verb::kRcpt},         {"DATA", Verb::kData},
    {"BDAT", Verb::kBdat},         {"RSET", Verb::kRset},         {"NOOP", Verb::kNoop},
    {"QUIT", Verb::kQuit},         {"VRFY", Verb::kVrfy},         {"HELP", Verb::kHelp},
    {"XFORWARD", Verb::kXforward}, {"STARTTLS", Verb::kStartTls},
};

// RFC 5321 §4.1.2 Path = "<" [ A-d-l ":" ] Mailbox ">". `s` starts at '<'. Returns the
// mailbox (source route stripped) and sets `end` past the '>'. A quoted local part may
// hold '>' and spaces; control characters are allowed nowhere.
Result<std::string> parse_path(std::string_view s, size_t& end) {
  const Error bad{"Bad address syntax"};
  bool quoted = false;
  size_t i = 1;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (is_control(c)) return bad;
    if (quoted) {
      if (c == '\\' && i + 1 < s.size()) {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == '>') {
      break;
    } else if (c == ' ' || c == '<') {
      return bad;
    }
  }
  if (i == s.size()) return bad;
  end = i + 1;
  std::string_view path = s.substr(1, i - 1);

  // RFC 5321 §4.1.2 and Appendix C: a source route ("@a,@b:") MUST be accepted and
  // SHOULD be ignored; the mailbox after the colon is what the route led to.
  if (path.starts_with('@')) {
    size_t colon = path.find(':');
    if (colon == std::string_view::npos || colon + 1 == path.size()) return bad;
    path.remove_prefix(colon + 1);
  }
  return std::string(path);
}

// RFC 5321 §4.1.2 Mail-parameters: esmtp-keyword ["=" esmtp-value], separated by spaces.
// The value is taken as sent (RFC 6531 §3.3 allows UTF-8 in it).
Status parse_params(std::string_view s,
                    std::vector<std::pair<std::string, std::string>>& params) {
  while (true) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    if (s.empty()) return Status();
    size_t sp = std::min(s.find(' '), s.find('\t'));
    std::string_view param = s.substr(0, sp);
    s.remove_prefix(param.size());
    size_t eq = param.find('=');
    std::string_view keyword = param.substr(0, eq);
    bool ok = !keyword.empty() && is_alnum(keyword.front());
    for (char c : keyword) ok = ok && (is_alnum(c) || c == '-');
    std::string_view value;
    if (eq != std::string_view::npos) {
      value = param.substr(eq + 1);
      ok = ok && !value.empty();
    }
    for (char c : value) ok = ok && !is_control(c);
    if (!ok) return Error{"Bad parameter syntax: " + quoted_input(param)};
    params.emplace_back(ascii_upper(keyword), std::string(value));
  }
}

// MAIL FROM:<path> [params] or RCPT TO:<path> [params] (RFC 5321 §4.1.1.2, §4.1.1.3);
// `rest` is what follows the verb.
Status parse_path_command(std::string_view rest, std::string_view keyword, Command& cmd) {
  std::string usage = "Syntax: " + cmd.word + " " + std::string(keyword) + "<address>";
  if (rest.size() < keyword.size() || !equals_nocase(rest.substr(0, keyword.size()), keyword))
    return Error{usage};
  rest.remove_prefix(keyword.size());
  // Postfix, like many servers, takes "MAIL FROM: <a@b>" (RFC 5321 has no space there).
  while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
  if (!rest.starts_with('<')) return Error{usage};
  size_t end = 0;
  auto path = parse_path(rest, end);
  if (!path.ok()) return path.status();
  if (cmd.verb == Verb::kRcpt && path->empty()) return Error{"Bad address syntax"};
  rest.remove_prefix(end);
  if (!rest.empty() && !is_space(rest.front())) return Error{"Bad address syntax"};
  cmd.argument = std::move(path).value();
  return parse_params(rest, cmd.params);
}

// A decoded XFORWARD or xtext value must not smuggle line breaks or other control
// characters into logs or into the command we send on.
bool printable(std::string_view s) { return std::none_of(s.begin(), s.end(), is_control); }

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// RFC 3463 §2: class "." subject "." detail, class 2, 4 or 5, subject and detail 1-3
// digits. The length of the code at the start of `s` (followed by a space or the end),
// or 0 when there is none or its class differs from the reply's (RFC 2034 §4).
size_t enhanced_code_length(std::string_view s, int code) {
  if (s.size() < 5 || s[0] != static_cast<char>('0' + code / 100) || s[1] != '.') return 0;
  size_t i = 2;
  for (int part = 0; part < 2; ++part) {
    size_t start = i;
    while (i < s.size() && is_digit(s[i]) && i - start < 3) ++i;
    if (i == start) return 0;
    if (part == 0) {
      if (i == s.size() || s[i] != '.') return 0;
      ++i;
    }
  }
  if (i < s.size() && s[i] != ' ') return 0;
  return i;
}

}  // namespace

// ---------------------------------------------------------------------------------
// LineReader

void LineReader::feed(std::string_view bytes) {
  // The rest of an over-long line, already reported, is dropped as it arrives, so it
  // never takes memory.
  if (discarding_) {
    size_t lf = find_lf(bytes, 0);
    if (lf == std::string_view::npos) return;
    discarding_ = false;
    bytes.remove_prefix(lf + 1);
  }
  if (pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  } else if (pos_ >= kCompactAt && pos_ >= buf_.size() / 2) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  buf_.append(bytes);
}

std::optional<Result<std::string>> LineReader::next() {
  std::string_view unread = std::string_view(buf_).substr(pos_);
  size_t lf = find_lf(unread, scanned_);
  if (lf == std::string_view::npos) {
    scanned_ = unread.size();
    // Report an over-long line as soon as it is one, rather than buffering it to its
    // end; a final CR may still be half of the CRLF, so it does not count yet.
    size_t length = unread.size() - (unread.ends_with('\r') ? 1 : 0);
    if (length <= max_line_) return std::nullopt;
    buf_.clear();
    pos_ = scanned_ = 0;
    discarding_ = true;
    return Result<std::string>(Error{"line too long"});
  }
  size_t length = lf - (lf > 0 && unread[lf - 1] == '\r' ? 1 : 0);
  std::optional<Result<std::string>> line;
  if (length > max_line_)
    line.emplace(Error{"line too long"});
  else
    line.emplace(std::string(unread.substr(0, length)));
  pos_ += lf + 1;
  scanned_ = 0;
  if (pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  }
  return line;
}

size_t LineReader::buffered() const { return buf_.size() - pos_; }

std::string LineReader::take_rest() {
  buf_.erase(0, pos_);
  std::string rest = std::move(buf_);
  buf_.clear();
  pos_ = scanned_ = 0;
  return rest;
}

// ---------------------------------------------------------------------------------
// Commands

Result<Command> parse_command(std::string_view line) {
  Command cmd;
  size_t sp = 0;
  while (sp < line.size() && !is_space(line[sp])) ++sp;
  cmd.word = ascii_upper(line.substr(0, sp));
  std::string_view rest = trim(line.substr(sp));
  for (const auto& v : kVerbs)
    if (cmd.word == v.word) cmd.verb = v.verb;

  switch (cmd.verb) {
    case Verb::kEhlo:
    case Verb::kHelo:
    case Verb::kLhlo:
      // Postfix keeps everything after the verb when a client sends more than a name.
      if (rest.empty()) return Error{"Syntax: " + cmd.word + " hostname"};
      cmd.argument = rest;
      break;
    case Verb::kMail:
      if (Status s = parse_path_command(rest, "FROM:", cmd); !s.ok()) return Error{s.message()};
      break;
    case Verb::kRcpt:
      if (Status s = parse_path_command(rest, "TO:", cmd); !s.ok()) return Error{s.message()};
      break;
    case Verb::kData:
    case Verb::kRset:
    case Verb::kStartTls:
      // RFC 5321 §4.1.1.4, §4.1.1.5, RFC 3207 §4: these take no argument. An argument
      // to DATA would mean the client and we disagree on where the content starts.
      if (!rest.empty()) return Error{"Syntax: " + cmd.word};
      break;
    case Verb::kXforward:
      if (rest.empty()) return Error{"Syntax: XFORWARD attribute=value..."};
      cmd.argument = rest;
      break;
    default:
      cmd.argument = rest;
      break;
  }
  return cmd;
}

std::string format_path_command(
    std::string_view verb_and_colon, std::string_view path,
    const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out(verb_and_colon);
  out += '<';
  out += path;
  out += '>';
  for (const auto& [keyword, value] : params) {
    out += ' ';
    out += keyword;
    if (!value.empty()) out += '=' + value;
  }
  return out;
}

// ---------------------------------------------------------------------------------
// XFORWARD and xtext

const std::string* Xforward::find(std::string_view name) const {
  for (const auto& [n, v] : attributes)
    if (n == name) return &v;
  return nullptr;
}

void Xforward::set(std::string_view name, std::string value) {
  std::string upper = ascii_upper(name);
  for (auto& [n, v] : attributes)
    if (n == upper) {
      v = std::move(value);
      return;
    }
  attributes.emplace_back(std::move(upper), std::move(value));
}

Status parse_xforward(std::string_view argument, Xforward& into) {
  // Parse the whole command before changing `into`: a rejected command changes nothing.
  Xforward parsed;
  std::string_view s = argument;
  while (true) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    if (s.empty()) break;
    size_t sp = std::min(s.find(' '), s.find('\t'));
    std::string_view attr = s.substr(0, sp);
    s.remove_prefix(attr.size());
    size_t eq = attr.find('=');
    if (eq == std::string_view::npos || eq == 0)
      return Error{"Syntax: XFORWARD attribute=value..."};
    std::string name = ascii_upper(attr.substr(0, eq));
    if (std::find(std::begin(kXforwardNames), std::end(kXforwardNames), name) ==
        std::end(kXforwardNames))
      return Error{"Bad XFORWARD attribute name: " + quoted_input(attr.substr(0, eq))};
    // "[UNAVAILABLE]" and "[TEMPUNAVAIL]" are valid xtext that decodes to itself.
    auto value = xtext_decode(attr.substr(eq + 1));
    if (!value.ok() || !printable(*value)) return Error{"Bad XFORWARD " + name + " syntax"};
    parsed.set(name, std::move(value).value());
  }
  if (parsed.empty()) return Error{"Syntax: XFORWARD attribute=value..."};
  for (auto& [n, v] : parsed.attributes) into.set(n, std::move(v));
  return Status();
}

std::vector<std::string> format_xforward(const Xforward& x,
                                         const std::vector<std::string>& supported) {
  constexpr std::string_view kVerb = "XFORWARD";
  std::vector<std::string> lines;
  std::string line;
  for (const auto& [name, value] : x.attributes) {
    // Captured as a reference, not as the binding: clang before 16 cannot capture a
    // structured binding, and tests/fuzz builds this file with clang 14.
    const std::string& n = name;
    bool wanted = std::any_of(supported.begin(), supported.end(),
                              [&](const std::string& s) { return equals_nocase(s, n); });
    if (!wanted) continue;
    // RFC 5321 §4.5.3.1.4: the line, CRLF included, fits in 512 octets. A value too long
    // for that on its own is cut, at a byte that keeps its xtext whole.
    std::string item = " " + name + "=";
    size_t room = kMaxCommandLine - kVerb.size();
    for (char c : value) {
      std::string e = xtext_encode(std::string_view(&c, 1));
      if (item.size() + e.size() > room) break;
      item += e;
    }
    if (!line.empty() && line.size() + item.size() > kMaxCommandLine) {
      lines.push_back(std::move(line));
      line.clear();
    }
    if (line.empty()) line = kVerb;
    line += item;
  }
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

std::string xtext_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 33 || u > 126 || c == '+' || c == '=') {
      out += '+';
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

Result<std::string> xtext_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '+') {
      out += s[i];
      continue;
    }
    // RFC 3461 §4 hexchar is "+" and two upper-case hex digits; lower case is taken too.
    int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
    int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
    if (lo < 0) return Error{"bad xtext escape"};
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// ---------------------------------------------------------------------------------
// DataReader

namespace {
// DataReader::state_: where the reader is in the current line.
enum DataState : int {
  kLineStart = 0,  // at the start of a line (the first line included)
  kDot,            // after a '.' that began the line, held back
  kDotCr,          // after ".<CR>" at the start of a line, both held back
  kInLine,         // inside a line
  kInLineCr,       // inside a line, right after a CR that may start its CRLF
};
}  // namespace

size_t DataReader::feed(std::string_view bytes,
                        const std::function<void(std::string_view)>& out) {
  if (done_) return 0;

  // Hands on message bytes up to the size limit and counts all of them, so size()
  // tells how large an oversized message really was.
  auto deliver = [&](std::string_view piece) {
    if (!too_big_) {
      std::string_view fits = piece;
      if (limits_.max_bytes != 0 && size_ + piece.size() > limits_.max_bytes) {
        too_big_ = true;
        fits = piece.substr(0, limits_.max_bytes - size_);
      }
      if (!fits.empty()) out(fits);
    }
    size_ += piece.size();
  };
  size_t run = 0;  // start of the bytes of `bytes` not yet handed on
  auto deliver_run = [&](size_t end) {
    deliver(bytes.substr(run, end - run));
    run = end;
  };
  auto check_length = [&](size_t length) {
    if (limits_.max_line != 0 && length > limits_.max_line) line_too_long_ = true;
  };

  size_t i = 0;
  const size_t n = bytes.size();
  while (i < n) {
    switch (state_) {
      case kLineStart:
        line_length_ = 0;
        if (bytes[i] == '.') {
          // RFC 5321 §4.5.2: a line that begins with '.' is either the end of the data
          // (".<CRLF>") or was dot-stuffed; either way this dot is not content.
          deliver_run(i);
          run = ++i;
          state_ = kDot;
        } else {
          state_ = kInLine;
        }
        break;
      case kDot:
        if (bytes[i] == '\r') {
          run = ++i;
          state_ = kDotCr;
        } else {
          state_ = kInLine;
        }
        break;
      case kDotCr:
        if (bytes[i] == '\n') {
          // RFC 5321 §4.1.1.4: "<CRLF>.<CRLF>" ends the data; the bytes after it are
          // the client's next pipelined command (RFC 2920 §3.1).
          done_ = true;
          return i + 1;
        }
        // ".<CR>" and more on the line: the dot was stuffing, the CR is content.
        deliver("\r");
        line_length_ = 1;
        state_ = kInLine;
        break;
      case kInLine:
      case kInLineCr: {
        size_t lf = find_lf(bytes, i);
        if (lf == std::string_view::npos) {
          line_length_ += n - i;
          state_ = bytes[n - 1] == '\r' ? kInLineCr : kInLine;
          check_length(line_length_ - (state_ == kInLineCr ? 1 : 0));
          i = n;
          break;
        }
        bool crlf = lf > i ? bytes[lf - 1] == '\r' : state_ == kInLineCr;
        line_length_ += lf - i;
        // The length of a line, bare-LF-terminated ones included: DataWriter turns a
        // bare LF into CRLF, so the next hop sees lines end there.
        check_length(line_length_ - (crlf ? 1 : 0));
        line_length_ = 0;
        i = lf + 1;
        // RFC 5321 §2.3.8: only CRLF ends a line; a line after a bare LF cannot end
        // the data and is not unstuffed.
        state_ = crlf ? kLineStart : kInLine;
        break;
      }
    }
  }
  deliver_run(n);
  return n;
}

// ---------------------------------------------------------------------------------
// DataWriter

void DataWriter::emit(std::string_view piece) {
  if (piece.size() >= kDirectPiece) {
    flush();
    out_(piece);
    return;
  }
  buf_.append(piece);
  if (buf_.size() >= kGatherLimit) flush();
}

void DataWriter::flush() {
  if (buf_.empty()) return;
  out_(buf_);
  buf_.clear();
}

void DataWriter::write(std::string_view bytes) {
  size_t run = 0;  // start of the bytes of `bytes` not yet handed on
  size_t i = 0;
  const size_t n = bytes.size();
  while (i < n) {
    if (at_line_start_) {
      at_line_start_ = false;
      // RFC 5321 §4.5.2: a line that begins with '.' gets one more in front.
      if (bytes[i] == '.') {
        emit(bytes.substr(run, i - run));
        emit(".");
        run = i;
      }
    }
    size_t lf = find_lf(bytes, i);
    if (lf == std::string_view::npos) {
      after_cr_ = bytes[n - 1] == '\r';
      break;
    }
    bool crlf = lf > i ? bytes[lf - 1] == '\r' : after_cr_;
    if (!crlf) {
      // RFC 5321 §2.3.8: lines end in CRLF; a bare LF gets its CR, so the next hop
      // cannot read the line ends (and the end of the data) differently than we do.
      emit(bytes.substr(run, lf - run));
      emit("\r");
      run = lf;
    }
    after_cr_ = false;
    at_line_start_ = true;
    i = lf + 1;
  }
  emit(bytes.substr(run));
  flush();
}

void DataWriter::finish() {
  // A message that ends inside a line gets its line ending; a final CR becomes the
  // first half of it.
  if (!at_line_start_) emit(after_cr_ ? "\n" : "\r\n");
  emit(".\r\n");
  flush();
  at_line_start_ = true;
  after_cr_ = false;
}

// ---------------------------------------------------------------------------------
// Replies

std::string Reply::text() const {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (!enhanced.empty() && line.starts_with(enhanced) &&
        (line.size() == enhanced.size() || line[enhanced.size()] == ' '))
      line = trim(line.substr(enhanced.size()));
    if (i > 0) out += "; ";
    out += line;
  }
  return out;
}

std::optional<Result<Reply>> ReplyReader::next() {
  auto fail = [this](std::string why) {
    partial_ = Reply();
    in_reply_ = false;
    return std::optional<Result<Reply>>(Error{std::move(why)});
  };
  while (auto line = lines_.next()) {
    if (!line->ok()) return fail("reply line too long");
    std::string_view l = line->value();
    // RFC 5321 §4.2: Reply-code = %x32-35 %x30-35 %x30-39; then SP (the last line),
    // "-" (more lines follow, §4.2.1), or nothing.
    bool ok = l.size() >= 3 && l[0] >= '2' && l[0] <= '5' && is_digit(l[1]) && is_digit(l[2]);
    char separator = l.size() > 3 ? l[3] : ' ';
    if (!ok || (separator != ' ' && separator != '-')) return fail("malformed reply line");
    int code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
    if (in_reply_ && code != partial_.code) return fail("reply codes differ between lines");
    if (partial_.lines.size() >= max_lines_) return fail("too many reply lines");
    partial_.code = code;
    partial_.lines.emplace_back(l.size() > 4 ? l.substr(4) : std::string_view());
    in_reply_ = true;
    if (separator == '-') continue;

    Reply reply = std::move(partial_);
    partial_ = Reply();
    in_reply_ = false;
    if (size_t n = enhanced_code_length(reply.lines.front(), reply.code))
      reply.enhanced = reply.lines.front().substr(0, n);
    return reply;
  }
  return std::nullopt;
}

std::string format_reply(int code, std::string_view enhanced, std::string_view text) {
  POSTSEAL_CHECK(code >= 200 && code <= 599);
  const std::string digits = std::to_string(code);
  // A text that ends in a newline does not end in an empty line.
  if (text.ends_with('\n')) text.remove_suffix(1);
  std::string out;
  while (true) {
    size_t nl = text.find('\n');
    std::string_view part = text.substr(0, nl);
    std::string content(enhanced);
    std::string clean;
    for (char c : part)
      if (!is_control(c)) clean += c;
    if (!content.empty() && !clean.empty()) content += ' ';
    content += clean;
    // RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets with its CRLF.
    if (content.size() > kMaxCommandLine - 4) content.resize(kMaxCommandLine - 4);
    out += digits;
    if (nl == std::string_view::npos) {
      if (!content.empty()) out += ' ' + content;
      out += "\r\n";
      return out;
    }
    out += '-' + content + "\r\n";
    text.remove_prefix(nl + 1);
  }
}

std::string queued_as(const Reply& reply) {
  constexpr std::string_view kMarker = "queued as ";
  if (!reply.positive()) return "";
  for (const std::string& line : reply.lines) {
    size_t start = line.find(kMarker);
    if (start == std::string::npos) continue;
    start += kMarker.size();
    size_t end = start;
    while (end < line.size() && is_alnum(line[end])) ++end;
    if (end > start) return line.substr(start, end - start);
  }
  return "";
}

}  // namespace postseal::smtp
