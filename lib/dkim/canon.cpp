/// \file
/// RFC 6376 §3.4 canonicalization.
#include "dkim/canon.h"

#include <array>
#include <cstring>

namespace postseal::dkim {
namespace {

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

// Bytes that end a run of ordinary body bytes: CR and LF always; SP and HTAB for relaxed.
constexpr std::array<bool, 256> make_special(bool relaxed) {
  std::array<bool, 256> t{};
  t['\r'] = t['\n'] = true;
  if (relaxed) t[' '] = t['\t'] = true;
  return t;
}
constexpr auto kSimpleSpecial = make_special(false);
constexpr auto kRelaxedSpecial = make_special(true);

// True if canonicalization would not change this line (line ending excluded): no CR,
// and for relaxed no tab, no run of spaces and no space at the end.
bool clean_line(std::string_view line, bool relaxed) {
  if (!relaxed) return line.find('\r') == std::string_view::npos;
  char prev = 0;
  for (char c : line) {
    if (c == '\t' || c == '\r' || (c == ' ' && prev == ' ')) return false;
    prev = c;
  }
  return prev != ' ';
}

}  // namespace

std::optional<Canon> parse_canon(std::string_view w) {
  auto eq = [&](std::string_view s) {
    if (w.size() != s.size()) return false;
    for (size_t i = 0; i < s.size(); ++i)
      if (lower(w[i]) != s[i]) return false;
    return true;
  };
  if (eq("simple")) return Canon::kSimple;
  if (eq("relaxed")) return Canon::kRelaxed;
  return std::nullopt;
}

std::string_view to_string(Canon c) { return c == Canon::kSimple ? "simple" : "relaxed"; }

std::optional<std::pair<Canon, Canon>> parse_canon_pair(std::string_view value) {
  size_t slash = value.find('/');
  auto h = parse_canon(value.substr(0, slash));
  if (!h) return std::nullopt;
  if (slash == std::string_view::npos) return std::pair{*h, Canon::kSimple};  // RFC 6376 §3.5
  auto b = parse_canon(value.substr(slash + 1));
  if (!b) return std::nullopt;
  return std::pair{*h, *b};
}

void canonicalize_header(std::string_view raw, Canon c, std::string& out) {
  if (c == Canon::kSimple) {
    // RFC 6376 §3.4.1: unchanged, except that each bare LF stands for the CRLF on the
    // wire, and a field that ends without a line ending gets one.
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) out += '\r';
      out += raw[i];
    }
    if (raw.empty() || raw.back() != '\n') out += "\r\n";
    return;
  }
  // RFC 6376 §3.4.2: lowercase the name; unfold; reduce WSP runs to one SP; drop WSP at
  // the end of the value and around the colon.
  size_t colon = raw.find(':');
  if (colon == std::string_view::npos) colon = raw.size();
  size_t name_end = colon;
  while (name_end > 0 && is_wsp(raw[name_end - 1])) --name_end;
  for (size_t i = 0; i < name_end; ++i) out += lower(raw[i]);
  out += ':';
  bool pending_wsp = false;
  bool started = false;
  for (size_t i = colon + 1; i < raw.size(); ++i) {
    char ch = raw[i];
    if (ch == '\n') continue;
    if (ch == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') continue;
    if (ch == '\r' && i + 1 == raw.size()) continue;
    if (is_wsp(ch)) {
      pending_wsp = true;
      continue;
    }
    if (pending_wsp && started) out += ' ';
    pending_wsp = false;
    started = true;
    out += ch;
  }
  out += "\r\n";
}

BodyCanonicalizer::BodyCanonicalizer(Canon c, Sink sink) : canon_(c), sink_(std::move(sink)) {
  buf_.reserve(kChunk);
}

void BodyCanonicalizer::put(std::string_view s) {
  if (buf_.size() + s.size() > kChunk) {
    flush();
    if (s.size() >= kChunk) {
      sink_(s);
      return;
    }
  }
  buf_.append(s);
}

void BodyCanonicalizer::flush() {
  if (!buf_.empty()) sink_(buf_);
  buf_.clear();
}

void BodyCanonicalizer::feed(std::string_view data) {
  const bool relaxed = canon_ == Canon::kRelaxed;
  const auto& special = relaxed ? kRelaxedSpecial : kSimpleSpecial;
  size_t i = 0;
  const size_t n = data.size();
  while (i < n) {
    // Fast path: a whole line that canonicalization leaves as it is (the common case)
    // goes out in one piece instead of word by word.
    if (!pending_cr_ && !pending_wsp_ && !line_has_content_) {
      const void* hit = std::memchr(data.data() + i, '\n', n - i);
      if (hit) {
        size_t nl = static_cast<size_t>(static_cast<const char*>(hit) - data.data());
        size_t end = (nl > i && data[nl - 1] == '\r') ? nl - 1 : nl;
        std::string_view line = data.substr(i, end - i);
        if (clean_line(line, relaxed)) {
          if (!line.empty()) {
            begin_content();
            put(line);
          }
          end_line();
          i = nl + 1;
          continue;
        }
      }
    }
    char c = data[i];
    if (pending_cr_) {
      pending_cr_ = false;
      if (c == '\n') {
        end_line();
        ++i;
        continue;
      }
      // A CR that does not start a line ending is body content.
      begin_content();
      put("\r");
    }
    if (c == '\r') {
      pending_cr_ = true;
      ++i;
      continue;
    }
    if (c == '\n') {
      end_line();
      ++i;
      continue;
    }
    if (relaxed && is_wsp(c)) {
      pending_wsp_ = true;
      ++i;
      continue;
    }
    // A run of ordinary bytes: emit it whole.
    size_t j = i + 1;
    while (j < n && !special[static_cast<unsigned char>(data[j])]) ++j;
    begin_content();
    put(data.substr(i, j - i));
    i = j;
  }
  flush();
}

void BodyCanonicalizer::begin_content() {
  // Empty lines followed by content are not trailing after all: emit them now.
  for (; empty_lines_; --empty_lines_) put("\r\n");
  if (pending_wsp_) put(" ");
  pending_wsp_ = false;
  line_has_content_ = any_content_ = true;
}

void BodyCanonicalizer::end_line() {
  // Relaxed: whitespace at the end of a line is ignored (§3.4.4 a).
  pending_wsp_ = false;
  if (line_has_content_) {
    put("\r\n");
    line_has_content_ = false;
  } else {
    // Possibly a trailing empty line: held back until content follows (§3.4.3, §3.4.4).
    ++empty_lines_;
  }
}

void BodyCanonicalizer::finish() {
  if (pending_cr_) {
    // A CR at the very end is content of the last line.
    pending_cr_ = false;
    begin_content();
    put("\r");
  }
  if (line_has_content_) {
    // A last line without a line ending gets one (§3.4.3, §3.4.4).
    put("\r\n");
    line_has_content_ = false;
  }
  pending_wsp_ = false;
  empty_lines_ = 0;
  // An empty simple body is a single CRLF; an empty relaxed body is empty.
  if (canon_ == Canon::kSimple && !any_content_) put("\r\n");
  flush();
}

}  // namespace postseal::dkim
