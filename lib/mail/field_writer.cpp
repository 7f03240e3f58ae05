/// \file
/// Quoting, comment escaping and folding for the header fields we write
/// (field_writer.h).
#include "mail/field_writer.h"

namespace postseal::mail {
namespace {

// RFC 5322 §2.1.1: lines SHOULD be no more than 78 characters without the CRLF.
constexpr size_t kMaxLine = 78;

bool is_printable(char c) { return c >= 0x20 && c <= 0x7e; }

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_atext(char c) {
  return is_alnum(c) ||
         std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

// Escapes the bytes in `special` with a backslash; other non-printable bytes become '?'.
std::string escaped(std::string_view s, std::string_view special) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (!is_printable(c)) {
      out += '?';
      continue;
    }
    if (special.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_printable(c) || c == ' ' ||
        std::string_view("()<>@,;:\\\"/[]?=").find(c) != std::string_view::npos)
      return false;
  return true;
}

bool is_dot_atom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (s[i + 1] == '.') return false;
    } else if (!is_atext(s[i])) {
      return false;
    }
  }
  return true;
}

std::string quoted_string(std::string_view s) { return "\"" + escaped(s, "\"\\") + "\""; }

std::string quote_value(std::string_view s, BareRule bare) {
  return bare(s) ? std::string(s) : quoted_string(s);
}

std::string comment_text(std::string_view s) { return escaped(s, "()\\"); }

void FieldWords::add(std::string word) { words_.push_back(std::move(word)); }

void FieldWords::add_comment(std::string_view text) {
  // Escaping never adds a space, so the spaces split the escaped text into words.
  std::string esc = comment_text(text);
  size_t first = words_.size();
  size_t pos = 0;
  while (pos < esc.size()) {
    size_t sp = esc.find(' ', pos);
    if (sp == std::string::npos) sp = esc.size();
    if (sp > pos) words_.push_back(esc.substr(pos, sp - pos));
    pos = sp + 1;
  }
  if (words_.size() == first) words_.emplace_back();
  words_[first].insert(0, "(");
  words_.back() += ')';
}

void FieldWords::append(std::string_view s) {
  if (words_.empty())
    words_.emplace_back(s);
  else
    words_.back() += s;
}

std::string FieldWords::line() const {
  std::string out;
  for (const auto& w : words_) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

std::string FieldWords::folded(std::string_view name, std::string_view eol) const {
  std::string out = std::string(name) + ":";
  size_t col = out.size();
  for (const auto& w : words_) {
    // A fold right after a fold would only add an empty-looking line.
    if (col + 1 + w.size() > kMaxLine && col > 1) {
      out += eol;
      out += '\t';
      col = 1;
    } else {
      out += ' ';
      ++col;
    }
    out += w;
    col += w.size();
  }
  out += eol;
  return out;
}

}  // namespace postseal::mail
