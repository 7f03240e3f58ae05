/// \file
/// A small RFC 5322 address-list scanner.
#include "mail/address.h"

namespace postseal::mail {
namespace {

std::string trim_ws(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// Removes whitespace outside quoted strings (obsolete "user @ example.com" forms).
std::string squeeze(std::string_view s) {
  std::string out;
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted && c == '\\' && i + 1 < s.size()) {
      out += c;
      out += s[++i];
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == ' ' || c == '\t' || c == '\r' || c == '\n')) continue;
    out += c;
  }
  return out;
}

}  // namespace

Result<std::vector<std::string>> parse_address_list(std::string_view value) {
  std::vector<std::string> out;
  std::string text;   // the current mailbox, comments removed
  std::string angle;  // the content of <...> in the current mailbox
  bool have_angle = false;
  bool quoted = false;
  int comment = 0;
  bool in_angle = false;

  auto flush = [&]() {
    std::string addr = have_angle ? squeeze(angle) : squeeze(trim_ws(text));
    // An obsolete source route (<@a,@b:user@example.com>) precedes the address.
    if (have_angle) {
      size_t colon = addr.rfind(':');
      if (!addr.empty() && addr[0] == '@' && colon != std::string::npos)
        addr = addr.substr(colon + 1);
    }
    if (!addr.empty()) out.push_back(addr);
    text.clear();
    angle.clear();
    have_angle = false;
  };

  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (comment > 0) {
      if (c == '\\' && i + 1 < value.size()) {
        ++i;
      } else if (c == '(') {
        ++comment;
      } else if (c == ')') {
        --comment;
      }
      continue;
    }
    if (quoted) {
      if (c == '\\' && i + 1 < value.size()) {
        (in_angle ? angle : text) += c;
        (in_angle ? angle : text) += value[++i];
        continue;
      }
      if (c == '"') quoted = false;
      (in_angle ? angle : text) += c;
      continue;
    }
    switch (c) {
      case '"':
        quoted = true;
        (in_angle ? angle : text) += c;
        break;
      case '(':
        comment = 1;
        text += ' ';
        break;
      case ')':
        return Error{"unbalanced ')' in address"};
      case '<':
        if (in_angle) return Error{"nested '<' in address"};
        in_angle = true;
        have_angle = true;
        angle.clear();
        break;
      case '>':
        if (!in_angle) return Error{"unbalanced '>' in address"};
        in_angle = false;
        break;
      case ':':
        if (in_angle) {
          angle += c;
        } else {
          // A group's display name ("undisclosed-recipients:") is not an address.
          text.clear();
        }
        break;
      case ',':
      case ';':
        if (in_angle) {
          angle += c;
        } else {
          flush();
        }
        break;
      default:
        (in_angle ? angle : text) += c;
    }
  }
  if (quoted) return Error{"unterminated quoted string in address"};
  if (comment > 0) return Error{"unterminated comment in address"};
  if (in_angle) return Error{"unterminated '<' in address"};
  flush();
  return out;
}

Result<std::string> single_author(std::string_view from_value) {
  auto list = parse_address_list(from_value);
  if (!list.ok()) return Error{list.message()};
  if (list->empty()) return Error{"From has no address"};
  if (list->size() > 1) return Error{"From has more than one address"};
  const std::string& a = list->front();
  size_t at = a.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 >= a.size())
    return Error{"From address has no domain"};
  return a;
}

std::string domain_of(std::string_view address) {
  size_t at = address.rfind('@');
  if (at == std::string_view::npos) return {};
  std::string d(address.substr(at + 1));
  while (!d.empty() && d.back() == '.') d.pop_back();
  for (char& c : d)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return d;
}

}  // namespace postseal::mail
