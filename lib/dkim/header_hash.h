/// \file
/// The header half of a DKIM signature's hash input, RFC 6376 §3.7 and §5.4.2: the
/// fields named by h=, each instance taken from the bottom up, canonicalized, then the
/// DKIM-Signature field itself with an empty b= value and without its final CRLF. One
/// function for the Signer and the Verifier, so both hash the same bytes. Pure;
/// thread-safe.
#ifndef POSTSEAL_DKIM_HEADER_HASH_H
#define POSTSEAL_DKIM_HEADER_HASH_H

#include <string>
#include <string_view>
#include <vector>

#include "dkim/canon.h"
#include "mail/header.h"

namespace postseal::dkim {

/// The bytes the header hash is computed over. `signed_names` is the h= list (any
/// case), in order: the n-th occurrence of a name takes the n-th field of that name
/// counted from the bottom of `fields`, and adds nothing when there is no such field
/// (oversigning, §5.4.2). `signature` is the DKIM-Signature field whose b= value is
/// already empty, with or without its final line ending. `self`, when given, is that
/// field's place in `fields` (the Verifier's case): it is never taken as an instance of
/// a signed name, since it did not exist when it was signed (§5.4). Never fails.
std::string header_hash_input(const std::vector<mail::HeaderField>& fields,
                              const std::vector<std::string>& signed_names, Canon canon,
                              std::string_view signature,
                              const mail::HeaderField* self = nullptr);

}  // namespace postseal::dkim

#endif  // POSTSEAL_DKIM_HEADER_HASH_H
