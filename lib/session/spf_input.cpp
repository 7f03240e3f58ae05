/// \file
/// Reading our own SPF result back from the header.
#include "session/spf_input.h"

#include "authres/authres.h"
#include "util/ascii.h"

namespace postseal::session {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

void skip_space(std::string_view& s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
}

// Skips an RFC 5322 comment (nested, with quoted-pairs). False when unterminated.
bool skip_comment(std::string_view& s) {
  int depth = 0;
  while (!s.empty()) {
    char c = s.front();
    s.remove_prefix(1);
    if (c == '\\' && !s.empty()) {
      s.remove_prefix(1);
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (--depth == 0) return true;
    }
  }
  return false;
}

// A value: a quoted-string (unquoted here) or everything up to ';' or whitespace.
std::string take_value(std::string_view& s) {
  std::string out;
  if (!s.empty() && s.front() == '"') {
    s.remove_prefix(1);
    while (!s.empty() && s.front() != '"') {
      if (s.front() == '\\' && s.size() > 1) s.remove_prefix(1);
      out += s.front();
      s.remove_prefix(1);
    }
    if (!s.empty()) s.remove_prefix(1);
    return out;
  }
  while (!s.empty() && s.front() != ';' && !is_space(s.front())) {
    out += s.front();
    s.remove_prefix(1);
  }
  return out;
}

std::string domain_of(std::string_view address) {
  size_t at = address.rfind('@');
  return ascii_lower(at == std::string_view::npos ? address : address.substr(at + 1));
}

}  // namespace

std::optional<ReceivedSpf> parse_received_spf(std::string_view s) {
  ReceivedSpf r;
  skip_space(s);
  while (!s.empty() && !is_space(s.front()) && s.front() != '(' && s.front() != ';') {
    r.result += static_cast<char>(s.front());
    s.remove_prefix(1);
  }
  r.result = ascii_lower(r.result);
  if (r.result.empty()) return std::nullopt;
  skip_space(s);
  if (!s.empty() && s.front() == '(' && !skip_comment(s)) return r;
  while (true) {
    skip_space(s);
    while (!s.empty() && s.front() == ';') {
      s.remove_prefix(1);
      skip_space(s);
    }
    if (s.empty()) break;
    size_t eq = s.find('=');
    if (eq == std::string_view::npos) break;
    std::string key = ascii_lower(s.substr(0, eq));
    s.remove_prefix(eq + 1);
    std::string value = take_value(s);
    if (key == "envelope-from") r.envelope_from = value;
    if (key == "helo") r.helo = value;
    if (key == "receiver") r.receiver = value;
    if (key == "identity") r.identity = ascii_lower(value);
    while (!s.empty() && s.front() != ';') s.remove_prefix(1);
  }
  return r;
}

size_t first_received(const std::vector<mail::HeaderField>& fields) {
  for (size_t i = 0; i < fields.size(); ++i)
    if (mail::iequals(fields[i].name(), "Received")) return i;
  return 0;
}

std::optional<SpfResult> trusted_spf(const std::vector<mail::HeaderField>& fields,
                                     size_t boundary, std::string_view receiver,
                                     std::string_view authserv_id) {
  for (size_t i = 0; i < boundary && i < fields.size(); ++i) {
    const auto& f = fields[i];
    if (mail::iequals(f.name(), "Received-SPF")) {
      auto r = parse_received_spf(f.value());
      if (!r || !mail::iequals(r->receiver, receiver)) continue;
      // RFC 7208 §2.4: the null sender is checked as postmaster@HELO, so its domain
      // is the HELO name either way.
      std::string domain =
          r->identity == "helo" ? ascii_lower(r->helo) : domain_of(r->envelope_from);
      if (domain.empty()) continue;
      return SpfResult{r->result, domain, "Received-SPF"};
    }
    if (mail::iequals(f.name(), "Authentication-Results")) {
      auto ar = authres::parse(f.value());
      if (!ar.ok() || !mail::iequals(ar->authserv_id, authserv_id)) continue;
      for (const auto& ri : ar->results) {
        if (ri.method != "spf") continue;
        for (const auto& p : ri.properties)
          if (p.ptype == "smtp" && (p.property == "mailfrom" || p.property == "helo"))
            return SpfResult{ri.result, domain_of(p.value), "Authentication-Results"};
      }
    }
  }
  return std::nullopt;
}

}  // namespace postseal::session
