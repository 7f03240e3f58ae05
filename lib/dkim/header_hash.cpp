/// \file
/// The header hash input shared by signing and verifying (header_hash.h).
#include "dkim/header_hash.h"

#include <map>

#include "util/ascii.h"

namespace postseal::dkim {

std::string header_hash_input(const std::vector<mail::HeaderField>& fields,
                              const std::vector<std::string>& signed_names, Canon canon,
                              std::string_view signature, const mail::HeaderField* self) {
  // RFC 6376 §5.4.2: each h= name takes the next instance of that name from the
  // bottom up; a name listed more often than it occurs adds nothing.
  std::string data;
  std::map<std::string, size_t> used;
  for (const auto& name : signed_names) {
    size_t skip = used[ascii_lower(name)]++;
    for (auto it = fields.rbegin(); it != fields.rend(); ++it) {
      if (&*it != self && mail::iequals(it->name(), name) && skip-- == 0) {
        canonicalize_header(it->raw, canon, data);
        break;
      }
    }
  }
  // RFC 6376 §3.7: the signature field last, canonicalized like the others but hashed
  // without the CRLF that canonicalization ends it with.
  canonicalize_header(signature, canon, data);
  if (data.size() >= 2) data.resize(data.size() - 2);
  return data;
}

}  // namespace postseal::dkim
