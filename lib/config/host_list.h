/// \file
/// Host lists in OpenDKIM's InternalHosts form: IPv4 and IPv6 addresses and CIDR
/// networks, host names (matched against the client's name, case-insensitively, a
/// leading "." matching subdomains), "!" before an entry to exclude it; first match
/// wins. Given inline (separated by commas or whitespace) or as a file, one entry per
/// line with "#" comments. Immutable after parsing; thread-safe.
#ifndef POSTSEAL_CONFIG_HOST_LIST_H
#define POSTSEAL_CONFIG_HOST_LIST_H

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace postseal::config {

class HostList {
 public:
  /// Parses entries. On failure (a bad address or prefix length) returns an Error
  /// naming the entry.
  static Result<HostList> parse(const std::vector<std::string>& entries);

  /// Parses the text of a file: one entry per line, "#" comments. Errors carry
  /// "NAME:LINE: ".
  static Result<HostList> parse_text(std::string_view text, std::string_view name);

  /// Parses an option value: entries separated by commas or white space (not ':',
  /// which is part of IPv6 addresses), or, when the value is one absolute path, the
  /// entries of that file (parse_text). On failure returns an Error naming the entry,
  /// or the file and line.
  static Result<HostList> from_value(std::string_view value);

  /// True if the client (address as Postfix prints it, optional host name) matches an
  /// entry that is not negated before any negated entry matches.
  bool matches(std::string_view address, std::string_view hostname = {}) const;

  bool empty() const { return entries_.empty(); }

 private:
  struct Entry {
    bool negate = false;
    bool is_name = false;
    std::string name;  // lowercased host name pattern
    int family = 0;    // AF_INET or AF_INET6
    std::array<unsigned char, 16> addr{};
    int prefix = 0;
  };
  std::vector<Entry> entries_;
};

}  // namespace postseal::config

#endif  // POSTSEAL_CONFIG_HOST_LIST_H
