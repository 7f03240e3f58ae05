/// \file
/// RFC 6376 §3.2 tag-list parser.
#include "dkim/tag_list.h"

#include <algorithm>

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

// One tag-spec (§3.2), already trimmed and not empty, into *tag. On failure returns
// what is wrong with it; an empty string means it is well-formed.
std::string parse_spec(std::string_view t, Tag* tag) {
  size_t eq = t.find('=');
  if (eq == std::string_view::npos) return "tag without '='";
  std::string_view name = trim(t.substr(0, eq));
  std::string_view value = trim(t.substr(eq + 1));
  if (name.empty() || !is_alpha(name[0])) return "invalid tag name";
  for (char c : name)
    if (!is_alpha(c) && !is_digit(c) && c != '_') return "invalid tag name";
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    // VALCHAR is %x21-3A / %x3C-7E; WSP and FWS may separate tvals.
    if (!is_fws(c) && (u < 0x21 || u > 0x7e))
      return "invalid character in value of tag " + std::string(name);
  }
  *tag = Tag{std::string(name), std::string(value)};
  return {};
}

// Calls on_spec(trimmed spec, is_last) for each ';'-separated spec of `text`.
template <class F>
void for_each_spec(std::string_view text, F on_spec) {
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t semi = text.find(';', pos);
    std::string_view spec =
        text.substr(pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos);
    pos = semi == std::string_view::npos ? text.size() + 1 : semi + 1;
    if (!on_spec(trim(spec), pos > text.size())) return;
  }
}

}  // namespace

Result<std::vector<Tag>> parse_tag_list(std::string_view text) {
  std::vector<Tag> tags;
  std::string error;
  for_each_spec(text, [&](std::string_view t, bool last) {
    if (t.empty()) {
      // Only the last spec may be empty: a trailing ';' is allowed (§3.2).
      if (!last) error = "empty tag in tag list";
      return false;
    }
    Tag tag;
    error = parse_spec(t, &tag);
    if (!error.empty()) return false;
    if (find_tag(tags, tag.name)) {
      error = "duplicate tag " + tag.name;
      return false;
    }
    if (tags.size() >= kMaxTags) {
      error = "too many tags";
      return false;
    }
    tags.push_back(std::move(tag));
    return true;
  });
  if (!error.empty()) return Error{error};
  return tags;
}

std::vector<Tag> scan_tags_leniently(std::string_view text) {
  std::vector<Tag> tags;
  std::vector<std::string> ambiguous;
  for_each_spec(text, [&](std::string_view t, bool) {
    Tag tag;
    if (t.empty() || !parse_spec(t, &tag).empty()) return true;  // skip what is malformed
    // A tag given twice with different values: there is no telling which was meant.
    if (const std::string* seen = find_tag(tags, tag.name)) {
      if (*seen != tag.value) ambiguous.push_back(tag.name);
      return true;
    }
    tags.push_back(std::move(tag));
    return tags.size() < kMaxTags;
  });
  std::erase_if(tags, [&](const Tag& t) {
    return std::find(ambiguous.begin(), ambiguous.end(), t.name) != ambiguous.end();
  });
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
