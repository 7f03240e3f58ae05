/// \file
/// CIDR and host-name matching for InternalHosts-style lists.
#include "config/host_list.h"

#include <cctype>
#include <cstring>

#include <arpa/inet.h>

#include "config/text_file.h"
#include "util/ascii.h"

namespace postseal::config {
namespace {

// Parses an address; an IPv4-mapped IPv6 address becomes IPv4.
bool parse_addr(std::string_view text, int& family, std::array<unsigned char, 16>& out) {
  std::string s(text);
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  if (s.rfind("ipv6:", 0) == 0 || s.rfind("IPv6:", 0) == 0) s = s.substr(5);
  out.fill(0);
  if (inet_pton(AF_INET, s.c_str(), out.data()) == 1) {
    family = AF_INET;
    return true;
  }
  if (inet_pton(AF_INET6, s.c_str(), out.data()) == 1) {
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(out.data(), kMapped, 12) == 0) {
      std::memmove(out.data(), out.data() + 12, 4);
      std::memset(out.data() + 4, 0, 12);
      family = AF_INET;
    } else {
      family = AF_INET6;
    }
    return true;
  }
  return false;
}

bool prefix_equal(const unsigned char* a, const unsigned char* b, int bits) {
  int bytes = bits / 8, rest = bits % 8;
  if (std::memcmp(a, b, static_cast<size_t>(bytes)) != 0) return false;
  if (rest == 0) return true;
  unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (a[bytes] & mask) == (b[bytes] & mask);
}

}  // namespace

Result<HostList> HostList::parse(const std::vector<std::string>& items) {
  HostList list;
  for (const std::string& raw : items) {
    std::string_view item(raw);
    if (item.empty()) continue;
    Entry e;
    if (item.front() == '!') {
      e.negate = true;
      item.remove_prefix(1);
    }
    size_t slash = item.find('/');
    std::string_view host = item.substr(0, slash);
    if (parse_addr(host, e.family, e.addr)) {
      int max = e.family == AF_INET ? 32 : 128;
      e.prefix = max;
      if (slash != std::string_view::npos) {
        std::string_view p = item.substr(slash + 1);
        if (p.empty() || p.size() > 3) return Error{"bad prefix length in \"" + raw + "\""};
        int n = 0;
        for (char c : p) {
          if (c < '0' || c > '9') return Error{"bad prefix length in \"" + raw + "\""};
          n = n * 10 + (c - '0');
        }
        if (n > max) return Error{"prefix length too long in \"" + raw + "\""};
        e.prefix = n;
      }
    } else {
      if (slash != std::string_view::npos) return Error{"bad network \"" + raw + "\""};
      for (char c : host)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_'))
          return Error{"not an address or host name: \"" + raw + "\""};
      e.is_name = true;
      e.name = ascii_lower(host);
    }
    list.entries_.push_back(std::move(e));
  }
  return list;
}

Result<HostList> HostList::parse_text(std::string_view text, std::string_view name) {
  std::vector<std::string> items;
  std::vector<int> lines;
  int lineno = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++lineno;
    size_t hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) continue;
    size_t e = line.find_last_not_of(" \t\r");
    std::string item(line.substr(b, e - b + 1));
    auto one = parse({item});
    if (!one.ok())
      return Error{std::string(name) + ":" + std::to_string(lineno) + ": " + one.message()};
    items.push_back(item);
  }
  return parse(items);
}

Result<HostList> HostList::from_value(std::string_view value) {
  std::vector<std::string> items;
  std::string cur;
  for (char c : value) {
    if (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!cur.empty()) items.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) items.push_back(std::move(cur));
  if (items.size() == 1 && items[0].front() == '/') {
    auto file = detail::read_file(items[0]);
    if (!file.ok()) return Error{items[0] + ": " + file.message()};
    return parse_text(file->bytes, items[0]);
  }
  return parse(items);
}

bool HostList::matches(std::string_view address, std::string_view hostname) const {
  int family = 0;
  std::array<unsigned char, 16> addr{};
  bool have_addr = parse_addr(address, family, addr);
  std::string host = ascii_lower(hostname);
  for (const Entry& e : entries_) {
    bool hit = false;
    if (e.is_name) {
      if (!host.empty()) {
        if (e.name.front() == '.')
          hit = host.size() > e.name.size() &&
                host.compare(host.size() - e.name.size(), e.name.size(), e.name) == 0;
        else
          hit = host == e.name;
      }
    } else if (have_addr && family == e.family) {
      hit = prefix_equal(addr.data(), e.addr.data(), e.prefix);
    }
    if (hit) return !e.negate;
  }
  return false;
}

}  // namespace postseal::config
