/// \file
/// Authentication-Results header fields, RFC 8601: writing one (our authserv-id, then
/// one resinfo per result, folded to 78 columns), parsing one (bounded, for hostile
/// input), and finding the fields that claim our authserv-id so that callers can remove
/// them before adding their own (§5: such fields arriving from outside are forged).
/// Also the resinfo for a DKIM verification result. Pure functions on plain data;
/// thread-safe.
#ifndef POSTSEAL_AUTHRES_AUTHRES_H
#define POSTSEAL_AUTHRES_AUTHRES_H

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/verifier.h"
#include "dmarc/evaluate.h"
#include "mail/header.h"
#include "util/result.h"

namespace postseal::authres {

/// What parse() accepts at most (hostile input bounds).
inline constexpr size_t kMaxFieldSize = 64 * 1024;
inline constexpr size_t kMaxResults = 64;
inline constexpr size_t kMaxProperties = 32;
inline constexpr int kMaxCommentDepth = 8;

/// ptype.property=value (RFC 8601 §2.3), e.g. header.d=example.com.
struct Property {
  std::string ptype;     ///< "smtp", "header", "body", "policy"
  std::string property;  ///< "d", "i", "b", "mailfrom", ...
  std::string value;     ///< unquoted
};

/// One resinfo: method=result, an optional reason and comment, then the properties.
struct ResultInfo {
  std::string method;   ///< "dkim", "spf", "dmarc"; lowercase when parsed
  std::string result;   ///< "pass", "fail", ...; lowercase when parsed
  std::string reason;   ///< reason="..." (§2.2); written only when not empty
  std::string comment;  ///< "(...)" after the result; written only when not empty
  std::vector<Property> properties;
};

struct AuthenticationResults {
  std::string authserv_id;
  std::optional<unsigned> version;  ///< written only when set (1 is the default)
  std::vector<ResultInfo> results;  ///< empty: the "none" form (§2.2 no-result)
};

/// The field value on one line, without the field name or a line ending:
/// "mx.example.org; dkim=pass (ok) header.d=example.com header.s=sel header.b=abcdefgh".
/// Values that are not RFC 2045 tokens, local-part@domain or base64 text (header.b)
/// are quoted; comment text has its parentheses and backslashes escaped. Bytes other
/// than printable US-ASCII are written as '?' (mail/field_writer.h). Never fails.
std::string format_value(const AuthenticationResults& ar);

/// The whole field, "Authentication-Results: " and the value of format_value(), folded
/// before words so lines stay within 78 columns where possible; every line, the last
/// included, ends with `eol`. Never fails.
std::string format_field(const AuthenticationResults& ar, std::string_view eol);

/// The resinfo for one DKIM result: dkim=RESULT, a comment with the reason and notes
/// (d= and s= read best-effort from an invalid tag list, a key in testing mode, an l=
/// limit), then header.d, header.i, header.s, header.a and header.b (RFC 8601 §2.7.1,
/// RFC 6008), each only when known, whatever the result. Never fails.
ResultInfo dkim_resinfo(const dkim::SignatureResult& r);

/// The resinfo for a DMARC evaluation (RFC 9989 §11.1): dmarc=RESULT, a comment with
/// the tag in force ("p=reject", "sp=quarantine t=y", and "override=TYPE" when a local
/// override exempted the message), header.from, and for a fail policy.dmarc with the
/// disposition applied (Evaluation::applied: after t= and any override). Never fails.
ResultInfo dmarc_resinfo(const dmarc::Evaluation& e);

/// Parses a field value (everything after the colon; folding and comments allowed).
/// On failure (syntax, an unterminated comment or quoted string, comments nested deeper
/// than kMaxCommentDepth, more than kMaxResults results or kMaxProperties properties in
/// one, a value over kMaxFieldSize bytes) returns an Error saying what was wrong.
Result<AuthenticationResults> parse(std::string_view value);

/// Only the authserv-id of a field value, the part §5 decisions rest on; the rest of
/// the field may be malformed. On failure (no authserv-id) returns an Error.
Result<std::string> parse_authserv_id(std::string_view value);

/// The positions in `fields` of the Authentication-Results fields whose authserv-id
/// equals `authserv_id` (ASCII case-insensitive): fields we would have written, so any
/// that arrive with the message are forged and must go (RFC 8601 §5). Never fails.
std::vector<size_t> fields_claiming(const std::vector<mail::HeaderField>& fields,
                                    std::string_view authserv_id);

}  // namespace postseal::authres

#endif  // POSTSEAL_AUTHRES_AUTHRES_H
