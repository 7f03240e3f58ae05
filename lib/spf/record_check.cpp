/// \file
/// The strict SPF record syntax check and the libspf2 rewrite (record_check.h).
#include "spf/record_check.h"

#include <cctype>

#include <arpa/inet.h>

#include "mail/header.h"
#include "util/ascii.h"

namespace postseal::spf::detail {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

// RFC 7208 §12: ip4-cidr-length and ip6-cidr-length digits, "0" or no leading zero.
bool parse_length(std::string_view digits, int max, int* out) {
  if (!all_digits(digits) || digits.size() > 3) return false;
  if (digits.size() > 1 && digits[0] == '0') return false;
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  if (v > max) return false;
  *out = v;
  return true;
}

// RFC 7208 §7.1 macro-string. `exp_letters` allows c, r and t (§7.3: "exp" text only).
// Sets *ends_with_macro when the last element is a macro-expand.
bool is_macro_string(std::string_view s, bool exp_letters, bool allow_space,
                     bool* ends_with_macro) {
  bool last_macro = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 1 >= s.size()) return false;
      char n = s[++i];
      if (n == '%' || n == '_' || n == '-') {
        last_macro = true;
        continue;
      }
      if (n != '{' || i + 1 >= s.size()) return false;
      char letter = static_cast<char>(std::tolower(static_cast<unsigned char>(s[++i])));
      static constexpr std::string_view kLetters = "slodiphv";
      static constexpr std::string_view kExpLetters = "crt";
      if (kLetters.find(letter) == std::string_view::npos &&
          !(exp_letters && kExpLetters.find(letter) != std::string_view::npos))
        return false;
      ++i;
      while (i < s.size() && is_digit(s[i])) ++i;
      if (i < s.size() && (s[i] == 'r' || s[i] == 'R')) ++i;
      static constexpr std::string_view kDelimiters = ".-+,/_=";
      while (i < s.size() && kDelimiters.find(s[i]) != std::string_view::npos) ++i;
      if (i >= s.size() || s[i] != '}') return false;
      last_macro = true;
      continue;
    }
    if (c == ' ' && allow_space) {
      last_macro = false;
      continue;
    }
    if (c < 0x21 || c > 0x7e) return false;
    last_macro = false;
  }
  if (ends_with_macro) *ends_with_macro = last_macro;
  return true;
}

// toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
bool is_toplabel(std::string_view l) {
  if (l.empty() || !is_alnum(l.front()) || !is_alnum(l.back())) return false;
  bool alpha = false, dash = false;
  for (char c : l) {
    if (is_alpha(c))
      alpha = true;
    else if (c == '-')
      dash = true;
    else if (!is_digit(c))
      return false;
  }
  return alpha || dash;
}

// RFC 7208 §12: domain-spec = macro-string domain-end;
// domain-end = ( "." toplabel [ "." ] ) / macro-expand
bool is_domain_spec(std::string_view s) {
  bool ends_with_macro = false;
  if (s.empty() || !is_macro_string(s, false, false, &ends_with_macro)) return false;
  if (ends_with_macro) return true;
  if (s.back() == '.') s.remove_suffix(1);
  size_t dot = s.rfind('.');
  if (dot == std::string_view::npos) return false;
  return is_toplabel(s.substr(dot + 1));
}

// qnum "." qnum "." qnum "." qnum, each 0-255 without leading zeros.
bool is_ip4_network(std::string_view s) {
  int parts = 0;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view q = s.substr(start, dot == std::string_view::npos ? dot : dot - start);
    int v;
    if (!parse_length(q, 255, &v)) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

bool is_ip6_network(std::string_view s) {
  unsigned char buf[16];
  return inet_pton(AF_INET6, std::string(s).c_str(), buf) == 1;
}

// Splits a trailing dual-cidr-length off `s`. Returns false on a malformed length.
bool split_dual_cidr(std::string_view* s, int* c4, int* c6) {
  *c4 = *c6 = -1;
  size_t slash = s->rfind('/');
  if (slash != std::string_view::npos && slash > 0 && (*s)[slash - 1] == '/') {
    if (!parse_length(s->substr(slash + 1), 128, c6)) return false;
    s->remove_suffix(s->size() - (slash - 1));
    slash = s->rfind('/');
  }
  if (slash != std::string_view::npos && all_digits(s->substr(slash + 1))) {
    if (!parse_length(s->substr(slash + 1), 32, c4)) return false;
    s->remove_suffix(s->size() - slash);
  }
  return true;
}

std::string name_of(std::string_view domain_spec) {
  std::string n = ascii_lower(domain_spec);
  if (!n.empty() && n.back() == '.') n.pop_back();
  return n;
}

Error bad(std::string_view term, std::string_view why) {
  return Error{"invalid term \"" + std::string(term) + "\": " + std::string(why)};
}

}  // namespace

bool is_spf_record(std::string_view txt) {
  return txt.size() >= 6 && mail::iequals(txt.substr(0, 6), "v=spf1") &&
         (txt.size() == 6 || txt[6] == ' ');
}

bool is_valid_explanation(std::string_view text) {
  return is_macro_string(text, true, true, nullptr);
}

bool is_valid_domain(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > 253 || name.front() == '[') return false;
  int labels = 0;
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    size_t len = (dot == std::string_view::npos ? name.size() : dot) - start;
    if (len == 0 || len > 63) return false;
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  for (char c : name)
    if (c < 0x21 || c > 0x7e) return false;
  return labels >= 2;
}

postseal::Result<CheckedRecord> check_record(std::string_view txt, Family family,
                                             std::string_view domain) {
  // RFC 7208 §3.1, §12: the record is ASCII; terms are separated by spaces only.
  for (char c : txt) {
    if (c == 0) return Error{"NUL byte in record"};
    if (c != ' ' && (c < 0x21 || c > 0x7e)) return Error{"non-ASCII or control byte in record"};
  }
  if (!is_spf_record(txt)) return Error{"not an SPF version 1 record"};

  struct Term {
    std::string text;
    bool is_redirect = false;
  };
  std::vector<Term> terms;
  CheckedRecord out;
  bool has_all = false, has_redirect = false, has_exp = false;

  size_t pos = 6;
  while (pos < txt.size()) {
    if (txt[pos] == ' ') {
      ++pos;
      continue;
    }
    size_t end = txt.find(' ', pos);
    if (end == std::string_view::npos) end = txt.size();
    std::string_view term = txt.substr(pos, end - pos);
    pos = end;

    // A modifier: name "=" value, where name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ).
    size_t eq = term.find('=');
    if (eq != std::string_view::npos) {
      std::string_view name = term.substr(0, eq);
      bool is_name = !name.empty() && is_alpha(name[0]);
      for (char c : name)
        if (!is_alnum(c) && c != '-' && c != '_' && c != '.') is_name = false;
      if (is_name) {
        std::string_view value = term.substr(eq + 1);
        if (mail::iequals(name, "redirect") || mail::iequals(name, "exp")) {
          bool redirect = mail::iequals(name, "redirect");
          bool& seen = redirect ? has_redirect : has_exp;
          if (seen) return bad(term, "modifier given twice");  // RFC 7208 §6
          seen = true;
          if (!is_domain_spec(value)) return bad(term, "invalid domain-spec");
          terms.push_back({ascii_lower(name) + "=" + std::string(value), redirect});
        } else if (!is_macro_string(value, true, false, nullptr)) {
          return bad(term, "invalid macro-string");
        }
        continue;  // an unknown modifier has no effect (RFC 7208 §6)
      }
    }

    // A directive: [ qualifier ] mechanism.
    std::string_view rest = term;
    std::string qualifier;
    if (!rest.empty() &&
        (rest[0] == '+' || rest[0] == '-' || rest[0] == '?' || rest[0] == '~')) {
      qualifier = std::string(1, rest[0]);
      rest.remove_prefix(1);
    }
    size_t n = 0;
    while (n < rest.size() && is_alnum(rest[n])) ++n;
    std::string mech = ascii_lower(rest.substr(0, n));
    rest.remove_prefix(n);

    if (mech == "all") {
      if (!rest.empty()) return bad(term, "\"all\" takes no argument");
      has_all = true;
      terms.push_back({qualifier + mech});
    } else if (mech == "include" || mech == "exists") {
      if (rest.empty() || rest[0] != ':' || !is_domain_spec(rest.substr(1)))
        return bad(term, "needs \":\" and a valid domain-spec");
      terms.push_back({qualifier + mech + std::string(rest)});
    } else if (mech == "ptr") {
      if (!rest.empty() && (rest[0] != ':' || !is_domain_spec(rest.substr(1))))
        return bad(term, "invalid domain-spec");
      terms.push_back({qualifier + mech + std::string(rest)});
    } else if (mech == "a" || mech == "mx") {
      int c4, c6;
      if (!split_dual_cidr(&rest, &c4, &c6)) return bad(term, "invalid CIDR length");
      std::string target;
      if (!rest.empty()) {
        if (rest[0] != ':' || !is_domain_spec(rest.substr(1)))
          return bad(term, "invalid domain-spec");
        target = std::string(rest.substr(1));
      }
      // libspf2 refuses a 0 length (fault D). For the other address family the length
      // does not matter; for the client's family, any address of the name matches,
      // which the DNS layer arranges for the names collected here.
      bool any = (family == Family::kIpv4 && c4 == 0) || (family == Family::kIpv6 && c6 == 0);
      if (c4 == 0) c4 = -1;
      if (c6 == 0) c6 = -1;
      if (any && target.find('%') == std::string::npos) {
        std::string name = target.empty() ? name_of(domain) : name_of(target);
        (mech == "a" ? out.any_address_a : out.any_address_mx).push_back(name);
      }
      std::string t = qualifier + mech;
      if (!target.empty()) t += ":" + target;
      if (c4 >= 0) t += "/" + std::to_string(c4);
      if (c6 >= 0) t += "//" + std::to_string(c6);
      terms.push_back({t});
    } else if (mech == "ip4" || mech == "ip6") {
      bool v4 = mech == "ip4";
      if (rest.empty() || rest[0] != ':') return bad(term, "needs \":\" and an address");
      rest.remove_prefix(1);
      int len = -1;
      size_t slash = rest.find('/');
      if (slash != std::string_view::npos) {
        if (!parse_length(rest.substr(slash + 1), v4 ? 32 : 128, &len))
          return bad(term, "invalid CIDR length");
        rest.remove_suffix(rest.size() - slash);
      }
      if (v4 ? !is_ip4_network(rest) : !is_ip6_network(rest))
        return bad(term, "invalid address");
      if (len == 0) {
        // A /0 network holds every address of its family; libspf2 refuses it (fault
        // D), so say the same with two /1 halves, or drop it for the other family.
        if ((family == Family::kIpv4) == v4) {
          terms.push_back({qualifier + (v4 ? "ip4:0.0.0.0/1" : "ip6:::/1")});
          terms.push_back({qualifier + (v4 ? "ip4:128.0.0.0/1" : "ip6:8000::/1")});
        }
      } else {
        terms.push_back({qualifier + mech + ":" + std::string(rest) +
                         (len >= 0 ? "/" + std::to_string(len) : "")});
      }
    } else {
      return bad(term, "unknown mechanism");
    }
  }

  out.text = "v=spf1";
  for (const Term& t : terms) {
    // RFC 7208 §6.1: redirect is ignored when the record has an "all" mechanism.
    if (t.is_redirect && has_all) continue;
    out.text += " " + t.text;
  }
  return out;
}

}  // namespace postseal::spf::detail
