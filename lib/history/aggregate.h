/// \file
/// RFC 9990 aggregate reports built from history rows: one report per DMARC Policy
/// Domain (§3.1), records grouped by source IP, disposition and results (§3.1.1.7),
/// XML in the namespace urn:ietf:params:xml:ns:dmarc-2.0 following the schema of
/// Appendix A, gzip-compressed (§3.5.2) under the file name §3.5.2 prescribes.
/// Section numbers are those of draft-ietf-dmarc-aggregate-reporting-32, the text that
/// became RFC 9990. Pure apart from zlib; thread-safe.
#ifndef POSTSEAL_HISTORY_AGGREGATE_H
#define POSTSEAL_HISTORY_AGGREGATE_H

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "history/row.h"
#include "util/result.h"

namespace postseal::history {

/// Who reports, and for which period.
struct ReportInfo {
  std::string org_name;   ///< report_metadata/org_name
  std::string email;      ///< report_metadata/email
  std::string receiver;   ///< the receiver's domain, first part of the file name
  std::string generator;  ///< report_metadata/generator ("postseal 0.1"); empty: none
  int64_t begin = 0;      ///< first second of the period
  int64_t end = 0;        ///< first second after it (the report says end - 1)
};

struct Report {
  std::string policy_domain;
  std::string report_id;  ///< also the file name's unique-id (§3.1.4: identical)
  std::string file_name;  ///< receiver!policy-domain!begin!end!id.xml.gz
  std::string xml;        ///< uncompressed
};

/// One report per policy domain among `rows` (rows without one are left out), in
/// domain order. policy_published is the latest row's (§3.3: the final configuration
/// observed). Never throws.
std::vector<Report> build_reports(const std::vector<Row>& rows, const ReportInfo& info);

/// The Report-ID and unique-id for one report: digits and lower-case hex only (§3.5.2
/// unique-id = 1*(ALPHA / DIGIT)), the same for the same receiver, domain and period,
/// so a report made again gets the same file name (§3.5.2). Never throws.
std::string report_id(const std::string& receiver, const std::string& policy_domain,
                      int64_t begin, int64_t end);

/// receiver "!" policy-domain "!" begin "!" end "!" unique-id ".xml.gz" (§3.5.2).
std::string report_file_name(const std::string& receiver, const std::string& policy_domain,
                             int64_t begin, int64_t end, const std::string& unique_id);

/// A reporting period [begin, end) from the --period argument of `postseal report
/// aggregate`: "BEGIN..END" with each side a UTC date (YYYY-MM-DD, meaning 00:00 UTC of
/// that day) or seconds since the epoch, END excluded; or a single date for that whole
/// UTC day; or empty for the UTC day before `now`. On failure returns an Error.
Result<std::pair<int64_t, int64_t>> parse_period(std::string_view text, int64_t now);

/// `text` with &, <, >, " and ' escaped and characters XML 1.0 forbids (controls other
/// than tab, LF, CR) dropped. Never throws.
std::string xml_escape(std::string_view text);

/// `data` as a gzip file (RFC 1952). Throws TempFailure when zlib fails.
std::string gzip(std::string_view data);

}  // namespace postseal::history

#endif  // POSTSEAL_HISTORY_AGGREGATE_H
