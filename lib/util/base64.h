/// \file
/// Base64 (RFC 4648 §4) for DKIM's bh=, b= and p= values. Decoding skips folding
/// whitespace, as RFC 6376 §3.5 allows inside base64 tag values. Pure functions.
#ifndef POSTSEAL_UTIL_BASE64_H
#define POSTSEAL_UTIL_BASE64_H

#include <string>
#include <string_view>

#include "util/result.h"

namespace postseal {

/// Encodes bytes as unpadded-free standard base64 (with '=' padding). Never fails.
std::string base64_encode(std::string_view bytes);

/// Decodes base64, ignoring space, tab, CR and LF. On failure (a character outside the
/// alphabet, misplaced padding, a truncated quantum) returns an Error saying which.
Result<std::string> base64_decode(std::string_view text);

}  // namespace postseal

#endif  // POSTSEAL_UTIL_BASE64_H
