/// \file
/// Mailbox extraction from address headers (RFC 5322 §3.4): enough of the grammar to find
/// the one author address in From (display names, quoted strings, comments, angle
/// addresses, groups). Pure functions.
#ifndef POSTSEAL_MAIL_ADDRESS_H
#define POSTSEAL_MAIL_ADDRESS_H

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace postseal::mail {

/// The addr-specs (local@domain) in an address-list value, in order. Comments and
/// display names are dropped; group names and empty groups give no address. On failure
/// (unbalanced quotes, brackets or comments) returns an Error.
Result<std::vector<std::string>> parse_address_list(std::string_view value);

/// The single author address of a From value. On failure (no address, several
/// addresses, an address without a domain, syntax error) returns an Error that says so.
Result<std::string> single_author(std::string_view from_value);

/// The domain of an address, lowercased, without a trailing dot; empty if none.
std::string domain_of(std::string_view address);

}  // namespace postseal::mail

#endif  // POSTSEAL_MAIL_ADDRESS_H
