/// \file
/// One RFC 5322 header field kept byte for byte as received (folding, case, whitespace
/// and line endings intact), which simple canonicalization needs, plus the helpers that
/// read it: name, raw value, unfolded value. Pure; HeaderField is plain data.
#ifndef POSTSEAL_MAIL_HEADER_H
#define POSTSEAL_MAIL_HEADER_H

#include <string>
#include <string_view>
#include <vector>

namespace postseal::mail {

/// A header field exactly as received, including its continuation lines and the final
/// line ending (LF or CRLF) of every line.
struct HeaderField {
  std::string raw;

  /// The field name as written (no trailing whitespace before the colon).
  std::string_view name() const;
  /// Everything after the colon up to (not including) the final line ending; folding
  /// inside is kept.
  std::string_view value() const;
};

/// ASCII case-insensitive equality, as header field names compare.
bool iequals(std::string_view a, std::string_view b);

/// The value with folding removed (each line ending deleted, RFC 5322 §2.2.3) and
/// surrounding whitespace trimmed.
std::string unfold(std::string_view value);

/// Number of fields whose name equals `name` (case-insensitive).
size_t count_fields(const std::vector<HeaderField>& fields, std::string_view name);

/// The last (bottom-most) field named `name`, or nullptr.
const HeaderField* find_field(const std::vector<HeaderField>& fields, std::string_view name);

}  // namespace postseal::mail

#endif  // POSTSEAL_MAIL_HEADER_H
