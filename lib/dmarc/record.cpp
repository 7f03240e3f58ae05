/// \file
/// DMARC Policy Record parsing (RFC 9989 §4.7, §4.8).
#include "dmarc/record.h"

#include "util/ascii.h"

namespace postseal::dmarc {
namespace {

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_wsp(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_wsp(s.back())) s.remove_suffix(1);
  return s;
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The tags of a record as (name, value) pairs, split at ';' with the WSP around
// separators and '=' removed. A part without '=' or with a name that is not 1*ALPHA
// is returned with an empty name (and ignored by the caller).
std::vector<std::pair<std::string_view, std::string_view>> split_tags(std::string_view txt) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  while (true) {
    size_t semi = txt.find(';');
    std::string_view part = trim(txt.substr(0, semi));
    if (!part.empty()) {
      size_t eq = part.find('=');
      std::string_view name =
          eq == std::string_view::npos ? std::string_view() : trim(part.substr(0, eq));
      bool ok = !name.empty();
      for (char c : name) ok = ok && is_alpha(c);
      out.emplace_back(ok ? name : std::string_view(), ok ? trim(part.substr(eq + 1)) : part);
    }
    if (semi == std::string_view::npos) break;
    txt.remove_prefix(semi + 1);
  }
  return out;
}

std::optional<Policy> parse_policy(std::string_view v) {
  std::string w = ascii_lower(v);  // ABNF literals are case-insensitive (RFC 5234 §2.3)
  if (w == "none") return Policy::kNone;
  if (w == "quarantine") return Policy::kQuarantine;
  if (w == "reject") return Policy::kReject;
  return std::nullopt;
}

// RFC 3986 URI, as far as a receiver needs to know: a scheme, ':', and something
// after it without whitespace; the obsolete "!size" suffix (§4.8) is dropped.
std::vector<std::string> parse_uris(std::string_view v) {
  std::vector<std::string> out;
  while (true) {
    size_t comma = v.find(',');
    std::string_view u = trim(v.substr(0, comma));
    if (size_t bang = u.find('!'); bang != std::string_view::npos) u = u.substr(0, bang);
    size_t colon = u.find(':');
    bool ok =
        colon != std::string_view::npos && colon > 0 && colon + 1 < u.size() && is_alpha(u[0]);
    for (size_t i = 0; ok && i < colon; ++i)
      ok = is_alpha(u[i]) || (u[i] >= '0' && u[i] <= '9') || u[i] == '+' || u[i] == '-' ||
           u[i] == '.';
    for (char c : u) ok = ok && c > 32 && c < 127;
    if (ok) out.emplace_back(u);
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

std::string_view to_string(Policy p) {
  switch (p) {
    case Policy::kNone:
      return "none";
    case Policy::kQuarantine:
      return "quarantine";
    case Policy::kReject:
      return "reject";
  }
  return "none";
}

bool is_dmarc_record(std::string_view txt) {
  auto tags = split_tags(txt.substr(0, txt.find(';')));
  // Only the first part: "v" equals %s"DMARC1" (§4.8); nothing before it.
  if (!txt.empty() && is_wsp(txt.front())) return false;
  return tags.size() == 1 && tags[0].first == "v" && tags[0].second == "DMARC1";
}

std::optional<Record> parse_record(std::string_view txt) {
  if (!is_dmarc_record(txt)) return std::nullopt;
  Record r;
  r.text = std::string(txt);
  auto tags = split_tags(txt);
  std::vector<std::string_view> seen;
  for (size_t i = 1; i < tags.size(); ++i) {
    auto [name, value] = tags[i];
    if (name.empty()) continue;
    // A tag given twice: the first one counts (the record is not thrown away for it).
    bool dup = false;
    for (auto s : seen) dup = dup || s == name;
    if (dup) continue;
    seen.push_back(name);
    std::string v = ascii_lower(value);
    if (name == "p" || name == "sp" || name == "np") {
      auto pol = parse_policy(value);
      if (!pol) {
        r.p_invalid = true;
        continue;
      }
      (name == "p" ? r.p : name == "sp" ? r.sp : r.np) = pol;
    } else if (name == "adkim" || name == "aspf") {
      if (v != "r" && v != "s") continue;
      (name == "adkim" ? r.adkim : r.aspf) =
          v == "s" ? Alignment::kStrict : Alignment::kRelaxed;
    } else if (name == "psd") {
      if (v == "y") r.psd = Psd::kYes;
      if (v == "n") r.psd = Psd::kNo;
    } else if (name == "t") {
      if (v == "y") r.testing = true;
    } else if (name == "rua") {
      r.rua = parse_uris(value);
    } else if (name == "ruf") {
      r.ruf = parse_uris(value);
    } else if (name == "fo") {
      r.fo = v;
    }
    // pct, rf, ri (historic) and unknown tags are ignored (§4.7).
  }
  return r;
}

}  // namespace postseal::dmarc
