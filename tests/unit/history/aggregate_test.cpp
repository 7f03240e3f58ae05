/// \file
/// RFC 9990 aggregate reports from history rows: one report per policy domain (§3.1),
/// the namespace and first-level order (§3.1.1.1, §3.1.1.2), policy_published without
/// pct and with defaults filled in (§3.1.1.5), records grouped by source IP,
/// disposition and results with counts (§3.1.1.7), the override reason (§3.1.6), the
/// file name and unique-id (§3.5.2), XML escaping, gzip (RFC 1952), and --period.
#include "history/aggregate.h"

#include <cctype>
#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>
#include <zlib.h>

#include "history/report_mail.h"
#include "util/base64.h"
#include "util/errors.h"

using namespace postseal;
using history::Row;

namespace {

constexpr int64_t kDay = 1767225600;  // 2026-01-01 00:00 UTC

Row row(int64_t t, std::string ip, std::string domain, std::string result) {
  Row r;
  r.time = t;
  r.source_ip = std::move(ip);
  r.header_from = domain;
  r.envelope_from = domain;
  r.envelope_to = "rcpt.example";
  r.policy_domain = std::move(domain);
  r.p = "reject";
  r.adkim = "r";
  r.aspf = "r";
  r.testing = "n";
  r.dmarc_result = result;
  r.dkim_aligned = result == "pass";
  r.disposition_applied = "none";
  r.disposition_requested = result == "pass" ? "none" : "reject";
  if (result != "pass") r.override_reason = "local_policy";
  r.spf_domain = r.envelope_from;
  r.spf_scope = "mfrom";
  r.spf_result = "pass";
  r.dkim = {{r.header_from, "s1", result == "pass" ? "pass" : "fail"}};
  return r;
}

history::ReportInfo info() {
  history::ReportInfo i;
  i.org_name = "Receiver";
  i.email = "reports@receiver.example";
  i.receiver = "receiver.example";
  i.begin = kDay;
  i.end = kDay + 86400;
  return i;
}

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1))
    ++n;
  return n;
}

std::string gunzip(const std::string& gz) {
  z_stream zs{};
  CPPUNIT_ASSERT_EQUAL(Z_OK, inflateInit2(&zs, 15 + 16));
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&zs, Z_FINISH);
  inflateEnd(&zs);
  CPPUNIT_ASSERT_EQUAL(Z_STREAM_END, rc);
  out.resize(zs.total_out);
  return out;
}

}  // namespace

class AggregateTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AggregateTest);
  CPPUNIT_TEST(one_report_per_policy_domain);
  CPPUNIT_TEST(namespace_and_first_level_order);
  CPPUNIT_TEST(policy_published_defaults_and_no_pct);
  CPPUNIT_TEST(records_grouped_with_counts);
  CPPUNIT_TEST(override_reason_reported);
  CPPUNIT_TEST(helo_spf_has_no_scope);
  CPPUNIT_TEST(text_is_escaped);
  CPPUNIT_TEST(file_name_and_report_id);
  CPPUNIT_TEST(gzip_round_trips);
  CPPUNIT_TEST(period_parsing);
  CPPUNIT_TEST(report_file_names_read_back);
  CPPUNIT_TEST(report_mail_subject_and_attachment);
  CPPUNIT_TEST_SUITE_END();

 public:
  void one_report_per_policy_domain() {
    Row none = row(kDay + 5, "192.0.2.9", "nodmarc.example", "none");
    none.policy_domain.clear();
    auto reports =
        history::build_reports({row(kDay + 1, "192.0.2.1", "b.example", "pass"),
                                row(kDay + 2, "192.0.2.1", "a.example", "pass"), none},
                               info());
    CPPUNIT_ASSERT_EQUAL(size_t{2}, reports.size());
    CPPUNIT_ASSERT_EQUAL(std::string("a.example"), reports[0].policy_domain);
    CPPUNIT_ASSERT_EQUAL(std::string("b.example"), reports[1].policy_domain);
    CPPUNIT_ASSERT(reports[0].xml.find("b.example") == std::string::npos);
  }

  void namespace_and_first_level_order() {
    auto xml =
        history::build_reports({row(kDay, "192.0.2.1", "a.example", "pass")}, info())[0].xml;
    CPPUNIT_ASSERT(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">\n"));
    size_t v = xml.find("<version>1.0</version>"), m = xml.find("<report_metadata>"),
           p = xml.find("<policy_published>"), r = xml.find("<record>");
    CPPUNIT_ASSERT(v < m && m < p && p < r && r != std::string::npos);
    CPPUNIT_ASSERT(xml.find("<begin>1767225600</begin>") != std::string::npos);
    CPPUNIT_ASSERT(xml.find("<end>1767311999</end>") != std::string::npos);
    CPPUNIT_ASSERT(xml.ends_with("</feedback>\n"));
  }

  void policy_published_defaults_and_no_pct() {
    Row a = row(kDay, "192.0.2.1", "a.example", "pass");
    Row b = row(kDay + 10, "192.0.2.1", "a.example", "pass");
    b.p = "quarantine";  // §3.3: the final configuration observed is reported
    b.np = "reject";
    auto xml = history::build_reports({b, a}, info())[0].xml;
    CPPUNIT_ASSERT(
        xml.find("<p>quarantine</p>\n    <sp>quarantine</sp>\n    <np>reject</np>") !=
        std::string::npos);
    CPPUNIT_ASSERT(xml.find("<discovery_method>treewalk</discovery_method>") !=
                   std::string::npos);
    CPPUNIT_ASSERT(xml.find("<testing>n</testing>") != std::string::npos);
    CPPUNIT_ASSERT(xml.find("pct") == std::string::npos);
  }

  void records_grouped_with_counts() {
    auto xml = history::build_reports({row(kDay, "192.0.2.1", "a.example", "pass"),
                                       row(kDay + 1, "192.0.2.1", "a.example", "pass"),
                                       row(kDay + 2, "192.0.2.1", "a.example", "fail"),
                                       row(kDay + 3, "192.0.2.2", "a.example", "pass")},
                                      info())[0]
                   .xml;
    CPPUNIT_ASSERT_EQUAL(size_t{3}, count(xml, "<record>"));
    CPPUNIT_ASSERT_EQUAL(size_t{1}, count(xml, "<count>2</count>"));
    CPPUNIT_ASSERT_EQUAL(size_t{2}, count(xml, "<count>1</count>"));
    // Enforcing policy and a DMARC pass: "pass" (Appendix A, ActionDispositionType).
    CPPUNIT_ASSERT_EQUAL(size_t{2}, count(xml, "<disposition>pass</disposition>"));
    CPPUNIT_ASSERT(xml.find("<selector>s1</selector>") != std::string::npos);
  }

  void override_reason_reported() {
    auto xml =
        history::build_reports({row(kDay, "192.0.2.1", "a.example", "fail")}, info())[0].xml;
    CPPUNIT_ASSERT(xml.find("<disposition>none</disposition>\n        <dkim>fail</dkim>\n"
                            "        <spf>fail</spf>\n        <reason>\n"
                            "          <type>local_policy</type>") != std::string::npos);
  }

  void helo_spf_has_no_scope() {
    Row r = row(kDay, "192.0.2.1", "a.example", "fail");
    r.envelope_from.clear();
    r.spf_domain = "mx.a.example";
    r.spf_scope = "helo";
    auto xml = history::build_reports({r}, info())[0].xml;
    CPPUNIT_ASSERT(xml.find("<envelope_from></envelope_from>") != std::string::npos);
    CPPUNIT_ASSERT(xml.find("<scope>") == std::string::npos);
    CPPUNIT_ASSERT(xml.find("<domain>mx.a.example</domain>") != std::string::npos);
  }

  void text_is_escaped() {
    CPPUNIT_ASSERT_EQUAL(std::string("a&amp;b&lt;c&gt;d&quot;e&apos;f\tg"),
                         history::xml_escape("a&b<c>d\"e'f\tg\x01"));
    auto i = info();
    i.org_name = "A & B <x>";
    Row r = row(kDay, "192.0.2.1", "a.example", "fail");
    r.override_comment = "list \"x\" & <y>";
    auto xml = history::build_reports({r}, i)[0].xml;
    CPPUNIT_ASSERT(xml.find("<org_name>A &amp; B &lt;x&gt;</org_name>") != std::string::npos);
    CPPUNIT_ASSERT(xml.find("<comment>list &quot;x&quot; &amp; &lt;y&gt;</comment>") !=
                   std::string::npos);
  }

  void file_name_and_report_id() {
    auto rep = history::build_reports({row(kDay, "192.0.2.1", "a.example", "pass")}, info())[0];
    std::string id = history::report_id("receiver.example", "a.example", kDay, kDay + 86399);
    CPPUNIT_ASSERT_EQUAL(id, rep.report_id);
    for (char c : id) CPPUNIT_ASSERT(std::isalnum(static_cast<unsigned char>(c)));
    CPPUNIT_ASSERT_EQUAL("receiver.example!a.example!1767225600!1767311999!" + id + ".xml.gz",
                         rep.file_name);
    CPPUNIT_ASSERT(rep.xml.find("<report_id>" + id + "</report_id>") != std::string::npos);
    // The same report made again gets the same name (§3.5.2); another domain another.
    CPPUNIT_ASSERT_EQUAL(
        id, history::report_id("receiver.example", "a.example", kDay, kDay + 86399));
    CPPUNIT_ASSERT(id !=
                   history::report_id("receiver.example", "b.example", kDay, kDay + 86399));
  }

  void gzip_round_trips() {
    std::string text =
        history::build_reports({row(kDay, "192.0.2.1", "a.example", "pass")}, info())[0].xml;
    std::string gz = history::gzip(text);
    CPPUNIT_ASSERT(gz.size() > 18);
    CPPUNIT_ASSERT_EQUAL('\x1f', gz[0]);  // RFC 1952 §2.3.1: ID1 ID2
    CPPUNIT_ASSERT_EQUAL('\x8b', gz[1]);
    CPPUNIT_ASSERT_EQUAL(text, gunzip(gz));
  }

  void period_parsing() {
    auto day = history::parse_period("2026-01-01", 0);
    CPPUNIT_ASSERT(day.ok());
    CPPUNIT_ASSERT_EQUAL(kDay, day.value().first);
    CPPUNIT_ASSERT_EQUAL(kDay + 86400, day.value().second);
    auto range = history::parse_period("2026-01-01..1767229200", 0);
    CPPUNIT_ASSERT(range.ok());
    CPPUNIT_ASSERT_EQUAL(int64_t{1767229200}, range.value().second);
    auto yesterday = history::parse_period("", kDay + 86400 + 3600);
    CPPUNIT_ASSERT_EQUAL(kDay, yesterday.value().first);
    CPPUNIT_ASSERT_EQUAL(kDay + 86400, yesterday.value().second);
    CPPUNIT_ASSERT(!history::parse_period("2026-02-30", 0).ok());
    CPPUNIT_ASSERT(!history::parse_period("2026-01-02..2026-01-01", 0).ok());
    CPPUNIT_ASSERT(!history::parse_period("yesterday", 0).ok());
    CPPUNIT_ASSERT(!history::parse_period("2026-01-01..", 0).ok());
  }

  // RFC 9990 §3.5.2: the filename ABNF, read back; anything else is not a report.
  void report_file_names_read_back() {
    auto f = history::parse_report_file_name(
        "mx.example!example.com!1767225600!1767311999!1767225600ab12.xml.gz");
    CPPUNIT_ASSERT(f);
    CPPUNIT_ASSERT_EQUAL(std::string("mx.example"), f->receiver);
    CPPUNIT_ASSERT_EQUAL(std::string("example.com"), f->policy_domain);
    CPPUNIT_ASSERT_EQUAL(int64_t(1767225600), f->begin);
    CPPUNIT_ASSERT_EQUAL(int64_t(1767311999), f->end);
    CPPUNIT_ASSERT_EQUAL(std::string("1767225600ab12"), f->unique_id);
    auto noid = history::parse_report_file_name("mx.example!example.com!1!2.xml.gz");
    CPPUNIT_ASSERT(noid && noid->unique_id.empty());
    // Without a unique-id the Subject still carries a stable Report-ID.
    CPPUNIT_ASSERT_EQUAL(history::report_id("mx.example", "example.com", 1, 2),
                         history::subject_report_id(*noid));
    for (const char* bad :
         {"mx.example!example.com!1!2.xml", "mx.example!example.com!1!2!id.xml.gz.tmp",
          "mx.example!example.com!1.xml.gz", "mx.example!!1!2.xml.gz",
          "mx.example!example.com!1!x2.xml.gz", "mx.example!example.com!1!2!a-b.xml.gz",
          "mx.example!exa\"mple.com!1!2.xml.gz", "a!b!1!2!3!4.xml.gz"})
      CPPUNIT_ASSERT_MESSAGE(bad, !history::parse_report_file_name(bad));
  }

  // §3.5.2: the Subject ABNF, the attachment as application/gzip under the file name,
  // and the Report-ID reused in the Message-ID.
  void report_mail_subject_and_attachment() {
    const std::string name = "mx.example!example.com!1767225600!1767311999!abc123.xml.gz";
    auto f = *history::parse_report_file_name(name);
    CPPUNIT_ASSERT_EQUAL(
        std::string("Report Domain: example.com Submitter: mx.example Report-ID: <abc123>"),
        history::report_subject(f));
    std::string gz = history::gzip("<feedback/>");
    std::string m =
        history::report_message(f, name, gz, "dmarc@mx.example",
                                {"a@example.com", "b@reports.example.net"}, 1767312000);
    auto has = [&](const std::string& s) { return m.find(s) != std::string::npos; };
    CPPUNIT_ASSERT(
        m.starts_with("From: dmarc@mx.example\nTo: a@example.com,\n b@reports.example.net\n"));
    CPPUNIT_ASSERT(
        has("\nSubject: Report Domain: example.com\n Submitter: mx.example\n"
            " Report-ID: <abc123>\n"));
    CPPUNIT_ASSERT(has("\nDate: Fri, 02 Jan 2026 00:00:00 +0000\n"));
    CPPUNIT_ASSERT(has("\nMessage-ID: <abc123@mx.example>\n"));
    CPPUNIT_ASSERT(has("\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="));
    CPPUNIT_ASSERT(has("Content-Type: application/gzip; name=\"" + name +
                       "\"\n"
                       "Content-Disposition: attachment; filename=\"" +
                       name +
                       "\"\n"
                       "Content-Transfer-Encoding: base64\n\n" +
                       base64_encode(gz) + "\n"));
    CPPUNIT_ASSERT(m.ends_with("--=_postseal_abc123--\n"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AggregateTest);
