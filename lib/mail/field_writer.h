/// \file
/// Writing header field values we generate: a value as it is or as an RFC 5322 §3.2.4
/// quoted-string (by a rule the caller picks: RFC 2045 token, RFC 5322 dot-atom, ...),
/// comment text with RFC 5322 §3.2.2's escapes, and a field assembled from words that is
/// either written on one line or folded to 78 columns (RFC 5322 §2.1.1, §2.2.3). Only
/// printable US-ASCII leaves here: any other byte is written as '?'. Pure; thread-safe.
#ifndef POSTSEAL_MAIL_FIELD_WRITER_H
#define POSTSEAL_MAIL_FIELD_WRITER_H

#include <string>
#include <string_view>
#include <vector>

namespace postseal::mail {

/// RFC 2045 §5.1 token: one or more printable US-ASCII bytes but SPACE and tspecials.
bool is_token(std::string_view s);

/// RFC 5322 §3.2.3 dot-atom-text: atext runs separated by single dots.
bool is_dot_atom(std::string_view s);

/// `s` as an RFC 5322 quoted-string: '"' and '\' escaped, bytes other than printable
/// US-ASCII and SPACE written as '?'. Never fails.
std::string quoted_string(std::string_view s);

/// Decides whether a value may be written without quotes.
using BareRule = bool (*)(std::string_view);

/// `s` as it is when `bare(s)`, else quoted_string(s). Never fails.
std::string quote_value(std::string_view s, BareRule bare);

/// `s` as RFC 5322 ctext (without the parentheses): '(', ')' and '\' escaped, bytes
/// other than printable US-ASCII and SPACE written as '?'. Never fails.
std::string comment_text(std::string_view s);

/// The words of one header field value, in order; the writer may fold before any word
/// but the first. Not thread-safe (build, then read).
class FieldWords {
 public:
  /// Adds one word that never breaks, e.g. "dkim=pass" or "client-ip=192.0.2.1;".
  void add(std::string word);

  /// Adds "(text)" with comment_text()'s escapes, split at its spaces so that a long
  /// comment can fold inside (runs of spaces become one).
  void add_comment(std::string_view text);

  /// Appends `s` to the last word (e.g. the ";" that ends a resinfo); with no words yet,
  /// adds it as a word.
  void append(std::string_view s);

  /// The words joined by single spaces, on one line, without a line ending (for a
  /// Postfix PREPEND, which must be one line). Never fails.
  std::string line() const;

  /// "name:" and the words, folded before a word (the new line starting with a TAB) when
  /// it would pass column 78; a word longer than a line stands on a line of its own.
  /// Every line, the last included, ends with `eol`. Never fails.
  std::string folded(std::string_view name, std::string_view eol) const;

 private:
  std::vector<std::string> words_;
};

}  // namespace postseal::mail

#endif  // POSTSEAL_MAIL_FIELD_WRITER_H
