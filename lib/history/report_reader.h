/// \file
/// Reading DMARC aggregate reports that others send us (`postseal report read`): the
/// XML of both the RFC 7489 Appendix C format (no namespace, or the dmarc.org 0.1 one)
/// and RFC 9990's urn:ietf:params:xml:ns:dmarc-2.0, parsed with expat; and the
/// containers reports come in: gzip (RFC 1952), zip (PKWARE APPNOTE, stored or deflated
/// entries), a mail with the report as a MIME attachment (RFC 2045, 2046; base64). Input
/// is hostile: every size, count and depth is capped by ReadLimits, a DTD is refused
/// (so no entity can expand), and each failure is an Error naming what and where.
/// Pure apart from zlib and expat; thread-safe.
#ifndef POSTSEAL_HISTORY_REPORT_READER_H
#define POSTSEAL_HISTORY_REPORT_READER_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace postseal::history {

/// What one input may make us hold or do. The defaults fit real reports with a wide
/// margin: Google's and Microsoft's daily reports are kilobytes to a few megabytes.
struct ReadLimits {
  size_t max_input_bytes = 32u << 20;     ///< one file or mail as read
  size_t max_inflated_bytes = 64u << 20;  ///< all gzip/zip output of one input together
  size_t max_zip_entries = 16;
  size_t max_mime_parts = 64;  ///< MIME parts of one mail, at every level
  size_t max_mime_depth = 4;   ///< nested multiparts
  size_t max_xml_depth = 16;   ///< element nesting; the schema needs 6
};

/// One auth_results/dkim element (RFC 9990 §3.1.1.12; RFC 7489 DKIMAuthResultType).
struct ReadDkim {
  std::string domain, selector, result;
};

/// One auth_results/spf element (RFC 9990 §3.1.1.13; RFC 7489 SPFAuthResultType).
struct ReadSpf {
  std::string domain, scope, result;
};

/// One record: a row, its identifiers and its authentication results.
struct ReadRecord {
  std::string source_ip;
  uint64_t count = 0;
  std::string disposition;           ///< policy_evaluated/disposition
  std::string dkim_aligned;          ///< policy_evaluated/dkim: "pass" when aligned and passing
  std::string spf_aligned;           ///< policy_evaluated/spf, likewise
  std::vector<std::string> reasons;  ///< policy_evaluated/reason/type
  std::string header_from, envelope_from;
  std::vector<ReadDkim> dkim;
  std::vector<ReadSpf> spf;
};

/// One aggregate report.
struct ReadReport {
  std::string format;  ///< "rfc7489" or "dmarc-2.0", from the root's namespace
  std::string org_name, email, report_id;
  int64_t begin = 0, end = 0;  ///< date_range, seconds since the epoch
  std::string domain;          ///< policy_published/domain
  std::string p, sp, adkim, aspf, pct, testing;
  std::vector<ReadRecord> records;
};

/// Parses one report's XML. Refuses a DOCTYPE (and so every entity declaration),
/// elements nested deeper than limits.max_xml_depth, a root that is not `feedback` in
/// no namespace, the dmarc.org 0.1 one or dmarc-2.0, and reports without
/// policy_published/domain or a date_range. On failure returns an Error with the
/// line. Never throws (std::bad_alloc aside).
Result<ReadReport> parse_report_xml(std::string_view xml, const ReadLimits& limits = {});

/// One report document found in an input, named by where it was found
/// ("attachment x.xml.gz", "x.zip: entry.xml"; empty for the input itself).
struct ReportDocument {
  std::string where;
  std::string xml;
};

/// What an input yielded: the documents, and one message per part that could not be
/// read (with where it was). An input with neither gives an error.
struct Unpacked {
  std::vector<ReportDocument> documents;
  std::vector<std::string> errors;
};

/// Finds the report XML in `data` by its content: a gzip file, a zip archive, XML, or
/// a mail (RFC 5322) whose report attachments (application/gzip, application/zip,
/// text/xml and the like, or application/octet-stream named *.xml, *.gz, *.zip) are
/// decoded and unpacked in turn. A mail with no report attachment is an error naming
/// the parts it has. Sizes, counts and depth follow `limits`. Never throws (std::bad_alloc
/// aside).
Unpacked unpack_report_input(std::string_view data, const ReadLimits& limits = {});

/// Splits an mbox file (lines "From " start a message, RFC 4155) into its messages,
/// without the "From " lines; ">From " quoting is left as it is (it never matters to a
/// report attachment). Never throws.
std::vector<std::string_view> split_mbox(std::string_view data);

}  // namespace postseal::history

#endif  // POSTSEAL_HISTORY_REPORT_READER_H
