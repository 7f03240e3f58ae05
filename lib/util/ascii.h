/// \file
/// ASCII case folding, as DNS names, header field names, tag names and SPF/DKIM
/// keywords compare (never locale-dependent). Pure; no state.
#ifndef POSTSEAL_UTIL_ASCII_H
#define POSTSEAL_UTIL_ASCII_H

#include <string>
#include <string_view>

namespace postseal {

/// `s` with A-Z turned into a-z; every other byte unchanged. Never fails.
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace postseal

#endif  // POSTSEAL_UTIL_ASCII_H
