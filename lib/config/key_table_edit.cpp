/// \file
/// KeyTable entries as text (see key_table_edit.h). The syntax is key_store.cpp's:
/// '#' ends a line's content, the name is the first word, the rest is
/// DOMAIN:SELECTOR:KEY (the key may itself hold ':' only after the second one).
#include "config/key_table_edit.h"

#include "config/text_file.h"

namespace postseal::config {
namespace {

/// Where the parts of one entry sit in its line: [value_begin, value_end) is
/// "DOMAIN:SELECTOR:KEY"; c1 and c2 are its two ':' (offsets in the line).
struct Span {
  std::size_t value_begin = 0, value_end = 0, c1 = 0, c2 = 0;
};

/// The entry of `line`, or an Error; `blank` is set for a comment or empty line.
Result<Span> locate(std::string_view line, bool& blank) {
  std::string_view content = line.substr(0, line.find('#'));
  std::string_view trimmed = detail::trim(content);
  blank = trimmed.empty();
  if (blank) return Span{};
  std::size_t start = content.find(trimmed);
  std::size_t ws = trimmed.find_first_of(" \t");
  if (ws == std::string_view::npos) return Error{"expected \"NAME DOMAIN:SELECTOR:KEY\""};
  std::string_view rest = detail::trim(trimmed.substr(ws));
  Span s;
  s.value_begin = content.find(rest, start + ws);
  s.value_end = s.value_begin + rest.size();
  s.c1 = line.find(':', s.value_begin);
  s.c2 = s.c1 >= s.value_end ? std::string_view::npos : line.find(':', s.c1 + 1);
  if (s.c1 >= s.value_end || s.c2 >= s.value_end || s.c1 == s.value_begin || s.c2 == s.c1 + 1 ||
      s.c2 + 1 == s.value_end)
    return Error{"expected \"NAME DOMAIN:SELECTOR:KEY\""};
  return s;
}

/// The lines of `text` without their '\n' (a '\r' before it stays in the line).
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t b = 0;
  while (b < text.size()) {
    std::size_t e = text.find('\n', b);
    if (e == std::string_view::npos) e = text.size();
    std::string_view l = text.substr(b, e - b);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    out.push_back(l);
    b = e + 1;
  }
  return out;
}

}  // namespace

Result<std::vector<KeyTableEntry>> key_table_entries(std::string_view text) {
  std::vector<KeyTableEntry> out;
  auto lines = lines_of(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    bool blank = false;
    auto s = locate(lines[i], blank);
    if (!s.ok()) return Error{"line " + std::to_string(i + 1) + ": " + s.message()};
    if (blank) continue;
    std::string_view l = lines[i];
    KeyTableEntry e;
    e.line = i + 1;
    e.name = std::string(detail::trim(l.substr(0, s->value_begin)));
    e.domain = std::string(l.substr(s->value_begin, s->c1 - s->value_begin));
    e.selector = std::string(l.substr(s->c1 + 1, s->c2 - s->c1 - 1));
    e.key = std::string(l.substr(s->c2 + 1, s->value_end - s->c2 - 1));
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::string> replace_key_table_entry(std::string_view text, std::size_t line,
                                            std::string_view selector, std::string_view key) {
  // Walk the text line by line so the other lines are copied byte for byte, endings
  // included.
  std::string out;
  std::size_t b = 0, n = 0;
  bool done = false;
  while (b < text.size()) {
    std::size_t e = text.find('\n', b);
    std::size_t next = e == std::string_view::npos ? text.size() : e + 1;
    ++n;
    std::string_view whole = text.substr(b, next - b);
    if (n == line) {
      std::string_view l = text.substr(b, (e == std::string_view::npos ? text.size() : e) - b);
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      bool blank = false;
      auto s = locate(l, blank);
      if (!s.ok() || blank) return Error{"line " + std::to_string(line) + " holds no entry"};
      out += l.substr(0, s->c1 + 1);
      out += selector;
      out += ':';
      out += key;
      out += whole.substr(s->value_end);
      done = true;
    } else {
      out += whole;
    }
    b = next;
  }
  if (!done) return Error{"line " + std::to_string(line) + " holds no entry"};
  return out;
}

}  // namespace postseal::config
