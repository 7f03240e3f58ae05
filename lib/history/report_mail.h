/// \file
/// The mail that carries one aggregate report (RFC 9990 §3.5.2): the report file's name
/// read back into its parts, the Subject the RFC prescribes, and an RFC 5322 / MIME
/// (RFC 2045, RFC 2046) message with the gzip file as an application/gzip attachment
/// under its own file name, plus a short text part. Section numbers are those of
/// draft-ietf-dmarc-aggregate-reporting-32, the text that became RFC 9990. Pure; the
/// time is handed in; thread-safe.
#ifndef POSTSEAL_HISTORY_REPORT_MAIL_H
#define POSTSEAL_HISTORY_REPORT_MAIL_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postseal::history {

/// The parts of receiver "!" policy-domain "!" begin "!" end ["!" unique-id] ".xml.gz".
struct ReportFile {
  std::string receiver;
  std::string policy_domain;
  int64_t begin = 0;
  int64_t end = 0;
  std::string unique_id;  ///< empty when the name has none
};

/// Reads a report file name (without directory). nullopt for anything else: another
/// extension (".xml", ".tmp"), a missing part, non-digit timestamps, an empty domain,
/// a unique-id that is not 1*(ALPHA / DIGIT). Never throws.
std::optional<ReportFile> parse_report_file_name(std::string_view name);

/// The Report-ID of the Subject (§3.5.2 ridtxt, "<" ridfmt ">"): the file's unique-id,
/// which is the report_id inside the XML (§3.1.4), or report_id() when the name has
/// none. Never throws.
std::string subject_report_id(const ReportFile& f);

/// "Report Domain: D Submitter: R Report-ID: <ID>" (§3.5.2 dmarc-subject). Never throws.
std::string report_subject(const ReportFile& f);

/// The whole message, LF line ends, ready for sendmail -i: From `from`, To each of `to`,
/// the Subject folded at its spaces, Date from `now` (seconds since the epoch, UTC),
/// Message-ID <ID@receiver>, Auto-Submitted: auto-generated (RFC 3834), and a
/// multipart/mixed body whose second part is `gzip_data` in base64 as application/gzip
/// (RFC 6713) with filename `file_name`. Never throws.
std::string report_message(const ReportFile& f, const std::string& file_name,
                           std::string_view gzip_data, const std::string& from,
                           const std::vector<std::string>& to, int64_t now);

}  // namespace postseal::history

#endif  // POSTSEAL_HISTORY_REPORT_MAIL_H
