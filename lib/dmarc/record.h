/// \file
/// DMARC Policy Records, RFC 9989 §4.7 and §4.8: recognising one (v=DMARC1 first, case
/// sensitive), and reading its tags. Unknown tags are ignored; a known tag whose value
/// does not follow its rule is ignored too (its default applies), except that an invalid
/// p, sp or np is remembered, because §4.10.1 decides the whole record by it. pct, rf
/// and ri are historic and ignored. Pure; thread-safe.
#ifndef POSTSEAL_DMARC_RECORD_H
#define POSTSEAL_DMARC_RECORD_H

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postseal::dmarc {

/// Domain Owner Assessment Policy (p, sp, np).
enum class Policy { kNone, kQuarantine, kReject };
std::string_view to_string(Policy p);

/// adkim, aspf.
enum class Alignment { kRelaxed, kStrict };

/// psd: y, n, or u (the default: decided by the tree walk).
enum class Psd { kYes, kNo, kUnknown };

struct Record {
  std::optional<Policy> p;   ///< absent: none (§4.7); see p_invalid
  std::optional<Policy> sp;  ///< absent: p applies to existing subdomains
  std::optional<Policy> np;  ///< absent: sp, else p, for non-existent subdomains
  bool p_invalid = false;    ///< a p, sp or np tag is present with an invalid value
  Alignment adkim = Alignment::kRelaxed;
  Alignment aspf = Alignment::kRelaxed;
  Psd psd = Psd::kUnknown;
  bool testing = false;          ///< t=y
  std::vector<std::string> rua;  ///< syntactically valid URIs (any "!size" suffix removed)
  std::vector<std::string> ruf;
  std::string fo = "0";
  std::string text;  ///< the record as published
};

/// True when `txt` starts with the DMARC version tag, "v" "=" "DMARC1" (optional
/// whitespace around "=", the value case sensitive) followed by ";" or the end (§4.8).
bool is_dmarc_record(std::string_view txt);

/// Reads a record that is_dmarc_record() accepted. Returns nullopt for anything else.
std::optional<Record> parse_record(std::string_view txt);

}  // namespace postseal::dmarc

#endif  // POSTSEAL_DMARC_RECORD_H
