/// \file
/// DKIM tag=value lists, RFC 6376 §3.2, as used in DKIM-Signature fields and key
/// records: parsing (strict: syntax errors and duplicate tags are errors), a lenient
/// scan of an invalid list for reports, and lookup. Pure.
#ifndef POSTSEAL_DKIM_TAG_LIST_H
#define POSTSEAL_DKIM_TAG_LIST_H

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace postseal::dkim {

struct Tag {
  std::string name;
  std::string value;  ///< with surrounding whitespace removed; inner FWS kept
};

/// At most this many tags are accepted in one list (hostile input bound).
inline constexpr size_t kMaxTags = 64;

/// Parses a tag-list. On failure (a tag without '=', an invalid tag name, a duplicate
/// tag, more than kMaxTags tags) returns an Error naming the problem.
Result<std::vector<Tag>> parse_tag_list(std::string_view text);

/// A best-effort read of a tag-list that parse_tag_list() refuses, for reporting only
/// (never for verifying): every well-formed tag-spec is kept and the malformed ones are
/// skipped; a tag given more than once is kept when all its values agree and left out
/// when they differ. At most kMaxTags tags. Never fails.
std::vector<Tag> scan_tags_leniently(std::string_view text);

/// The value of tag `name`, or nullptr.
const std::string* find_tag(const std::vector<Tag>& tags, std::string_view name);

/// Splits a colon-separated tag value (h=, q=, s=, t= of key records) into its items,
/// each without surrounding FWS; empty items are kept (empty when `value` is empty:
/// one empty item). Views point into `value`. Never fails.
std::vector<std::string_view> split_colon_list(std::string_view value);

}  // namespace postseal::dkim

#endif  // POSTSEAL_DKIM_TAG_LIST_H
