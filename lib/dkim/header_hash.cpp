/// \file
/// The header hash input shared by signing and verifying (header_hash.h).
#include "dkim/header_hash.h"

#include <map>

#include "util/ascii.h"

namespace postseal::dkim {
namespace {

// RFC 6376 §5.4.2: each h= name takes the next instance of that name from the bottom
// up; a name listed more often than it occurs adds nothing. Calls `take` with each
// instance taken, in h= order.
template <class Take>
void for_each_instance(const std::vector<mail::HeaderField>& fields,
                       const std::vector<std::string>& signed_names, Take take) {
  std::map<std::string, size_t> used;
  for (const auto& name : signed_names) {
    size_t skip = used[ascii_lower(name)]++;
    for (auto it = fields.rbegin(); it != fields.rend(); ++it) {
      if (mail::iequals(it->name(), name) && skip-- == 0) {
        take(*it);
        break;
      }
    }
  }
}

}  // namespace

std::string header_hash_input(const std::vector<mail::HeaderField>& fields,
                              const std::vector<std::string>& signed_names, Canon canon,
                              std::string_view signature) {
  std::string data;
  for_each_instance(fields, signed_names, [&](const mail::HeaderField& f) {
    canonicalize_header(f.raw, canon, data);
  });
  // RFC 6376 §3.7: the signature field last, canonicalized like the others but hashed
  // without the CRLF that canonicalization ends it with.
  canonicalize_header(signature, canon, data);
  if (data.size() >= 2) data.resize(data.size() - 2);
  return data;
}

bool takes_field(const std::vector<mail::HeaderField>& fields,
                 const std::vector<std::string>& signed_names, const mail::HeaderField& field) {
  bool taken = false;
  for_each_instance(fields, signed_names,
                    [&](const mail::HeaderField& f) { taken = taken || &f == &field; });
  return taken;
}

}  // namespace postseal::dkim
