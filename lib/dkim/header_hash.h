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
/// already empty, with or without its final line ending. Every field of `fields` can be
/// taken, the signature's own included, as dkimpy, Mail::DKIM and OpenDKIM take it.
/// Never fails.
std::string header_hash_input(const std::vector<mail::HeaderField>& fields,
                              const std::vector<std::string>& signed_names, Canon canon,
                              std::string_view signature);

/// True when `signed_names` takes `field` (an element of `fields`, compared by address)
/// as one of its instances under the rule above. The Verifier asks this of a
/// signature's own field: h= "MUST NOT include the DKIM-Signature header field that is
/// being created or verified" (RFC 6376 §3.5). Never fails.
bool takes_field(const std::vector<mail::HeaderField>& fields,
                 const std::vector<std::string>& signed_names, const mail::HeaderField& field);

}  // namespace postseal::dkim

#endif  // POSTSEAL_DKIM_HEADER_HASH_H
