/// \file
/// Aggregate report mail (RFC 9990 §3.5.2).
#include "history/report_mail.h"

#include <ctime>

#include "history/aggregate.h"
#include "util/base64.h"

namespace postseal::history {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 18) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool alnum(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
      return false;
  return true;
}

// A domain name as it may stand in a file name and a Subject: letters, digits, '-',
// '_' and '.', not empty.
bool domain_like(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

// RFC 5322 §3.3 date-time in UTC.
std::string rfc5322_date(int64_t now) {
  std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

}  // namespace

std::optional<ReportFile> parse_report_file_name(std::string_view name) {
  constexpr std::string_view kExt = ".xml.gz";
  if (!name.ends_with(kExt)) return std::nullopt;
  name.remove_suffix(kExt.size());
  std::vector<std::string_view> parts;
  while (true) {
    size_t bang = name.find('!');
    parts.push_back(name.substr(0, bang));
    if (bang == std::string_view::npos) break;
    name.remove_prefix(bang + 1);
  }
  if (parts.size() != 4 && parts.size() != 5) return std::nullopt;
  if (!domain_like(parts[0]) || !domain_like(parts[1])) return std::nullopt;
  if (!all_digits(parts[2]) || !all_digits(parts[3])) return std::nullopt;
  if (parts.size() == 5 && !alnum(parts[4])) return std::nullopt;
  ReportFile f;
  f.receiver = std::string(parts[0]);
  f.policy_domain = std::string(parts[1]);
  f.begin = std::stoll(std::string(parts[2]));
  f.end = std::stoll(std::string(parts[3]));
  if (parts.size() == 5) f.unique_id = std::string(parts[4]);
  return f;
}

std::string subject_report_id(const ReportFile& f) {
  return f.unique_id.empty() ? report_id(f.receiver, f.policy_domain, f.begin, f.end)
                             : f.unique_id;
}

std::string report_subject(const ReportFile& f) {
  return "Report Domain: " + f.policy_domain + " Submitter: " + f.receiver + " Report-ID: <" +
         subject_report_id(f) + ">";
}

std::string report_message(const ReportFile& f, const std::string& file_name,
                           std::string_view gzip_data, const std::string& from,
                           const std::vector<std::string>& to, int64_t now) {
  const std::string id = subject_report_id(f);
  // The boundary cannot occur in the parts: base64 has no '_', and the text part is ours.
  const std::string boundary = "=_postseal_" + id;
  std::string m;
  m += "From: " + from + "\n";
  m += "To: ";
  for (size_t i = 0; i < to.size(); ++i) m += (i ? ",\n " : "") + to[i];
  m += "\n";
  // §3.5.2: the Subject folded as the RFC's own example is (1*FWS between the parts).
  m += "Subject: Report Domain: " + f.policy_domain + "\n Submitter: " + f.receiver +
       "\n Report-ID: <" + id + ">\n";
  m += "Date: " + rfc5322_date(now) + "\n";
  // §3.5.2 lets the Message-ID reuse the Report-ID, so a resent report is recognisable.
  m += "Message-ID: <" + id + "@" + f.receiver + ">\n";
  m += "Auto-Submitted: auto-generated\n";
  m += "MIME-Version: 1.0\n";
  m += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\n";
  m += "\n";
  m += "This is a DMARC aggregate report in MIME format.\n";
  m += "\n--" + boundary + "\n";
  m += "Content-Type: text/plain; charset=us-ascii\n";
  m += "Content-Transfer-Encoding: 7bit\n\n";
  m += "DMARC aggregate report (RFC 9990) for " + f.policy_domain + " from " + f.receiver +
       ",\ncovering " + rfc5322_date(f.begin) + " to " + rfc5322_date(f.end) + ".\n";
  m += "\n--" + boundary + "\n";
  // §3.5.2: gzip data as application/gzip (RFC 6713) under the report's file name.
  m += "Content-Type: application/gzip; name=\"" + file_name + "\"\n";
  m += "Content-Disposition: attachment; filename=\"" + file_name + "\"\n";
  m += "Content-Transfer-Encoding: base64\n\n";
  const std::string b64 = base64_encode(gzip_data);
  for (size_t i = 0; i < b64.size(); i += 76) m += b64.substr(i, 76) + "\n";  // RFC 2045 §6.8
  m += "\n--" + boundary + "--\n";
  return m;
}

}  // namespace postseal::history
