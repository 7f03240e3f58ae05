/// \file
/// Header field accessors.
#include "mail/header.h"

namespace postseal::mail {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

size_t strip_eol(std::string_view s) {
  size_t n = s.size();
  if (n && s[n - 1] == '\n') --n;
  if (n && s[n - 1] == '\r') --n;
  return n;
}

}  // namespace

std::string_view HeaderField::name() const {
  std::string_view r(raw);
  size_t colon = r.find(':');
  if (colon == std::string_view::npos) return {};
  size_t end = colon;
  while (end > 0 && (r[end - 1] == ' ' || r[end - 1] == '\t')) --end;
  return r.substr(0, end);
}

std::string_view HeaderField::value() const {
  std::string_view r(raw);
  size_t colon = r.find(':');
  if (colon == std::string_view::npos) return {};
  size_t end = strip_eol(r);
  if (end < colon + 1) return {};
  return r.substr(colon + 1, end - colon - 1);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string unfold(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value)
    if (c != '\r' && c != '\n') out += c;
  size_t b = out.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  size_t e = out.find_last_not_of(" \t");
  return out.substr(b, e - b + 1);
}

size_t count_fields(const std::vector<HeaderField>& fields, std::string_view name) {
  size_t n = 0;
  for (const auto& f : fields)
    if (iequals(f.name(), name)) ++n;
  return n;
}

const HeaderField* find_field(const std::vector<HeaderField>& fields, std::string_view name) {
  for (auto it = fields.rbegin(); it != fields.rend(); ++it)
    if (iequals(it->name(), name)) return &*it;
  return nullptr;
}

}  // namespace postseal::mail
