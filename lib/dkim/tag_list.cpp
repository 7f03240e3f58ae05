/// \file
/// RFC 6376 §3.2 tag-list parser.
#include "dkim/tag_list.h"

namespace postseal::dkim {
namespace {

bool is_fws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_fws(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_fws(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::vector<Tag>> parse_tag_list(std::string_view text) {
  std::vector<Tag> tags;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t semi = text.find(';', pos);
    std::string_view spec =
        text.substr(pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos);
    pos = semi == std::string_view::npos ? text.size() + 1 : semi + 1;
    std::string_view t = trim(spec);
    if (t.empty()) {
      // Only the last spec may be empty: a trailing ';' is allowed (§3.2).
      if (pos > text.size()) break;
      return Error{"empty tag in tag list"};
    }
    size_t eq = t.find('=');
    if (eq == std::string_view::npos) return Error{"tag without '='"};
    std::string_view name = trim(t.substr(0, eq));
    std::string_view value = trim(t.substr(eq + 1));
    if (name.empty() || !is_alpha(name[0])) return Error{"invalid tag name"};
    for (char c : name)
      if (!is_alpha(c) && !is_digit(c) && c != '_') return Error{"invalid tag name"};
    for (char c : value) {
      unsigned char u = static_cast<unsigned char>(c);
      // VALCHAR is %x21-3A / %x3C-7E; WSP and FWS may separate tvals.
      if (!is_fws(c) && (u < 0x21 || u > 0x7e))
        return Error{"invalid character in value of tag " + std::string(name)};
    }
    for (const auto& existing : tags)
      if (existing.name == name) return Error{"duplicate tag " + std::string(name)};
    if (tags.size() >= kMaxTags) return Error{"too many tags"};
    tags.push_back(Tag{std::string(name), std::string(value)});
  }
  return tags;
}

std::vector<std::string_view> split_colon_list(std::string_view v) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    size_t colon = v.find(':', pos);
    out.push_back(trim(v.substr(pos, colon == std::string_view::npos ? v.npos : colon - pos)));
    if (colon == std::string_view::npos) return out;
    pos = colon + 1;
  }
}

const std::string* find_tag(const std::vector<Tag>& tags, std::string_view name) {
  for (const auto& t : tags)
    if (t.name == name) return &t.value;
  return nullptr;
}

}  // namespace postseal::dkim
