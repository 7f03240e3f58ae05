/// \file
/// Reading DMARC aggregate reports (`postseal report read`): our own RFC 9990 writer's
/// reports read back (a round trip), the RFC 7489 Appendix C format (no namespace, and
/// the dmarc.org 0.1 namespace), gzip (RFC 1952), zip (stored and deflated entries), the
/// report as a mail attachment (application/zip as Google sends it, application/gzip,
/// application/octet-stream named .xml.gz), mbox splitting; hostile input refused with
/// a reason: a DTD (entity expansion), deep nesting, a gzip bomb, truncated gzip, a zip
/// with too many entries or an oversized one, a mail without a report, a non-XML file.
/// And the grouping of sources by what to do (report_triage.h), one test per group.
#include "history/report_reader.h"

#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>
#include <zlib.h>

#include "history/aggregate.h"
#include "history/report_triage.h"
#include "util/base64.h"

using namespace postseal;
using history::ReadLimits;
using history::ReadRecord;
using history::SourceGroup;

namespace {

// An RFC 7489 Appendix C report as Google writes them: no namespace, pct, a helo result.
const char kRfc7489[] = R"(<?xml version="1.0" encoding="UTF-8" ?>
<feedback>
  <report_metadata>
    <org_name>google.com</org_name>
    <email>noreply-dmarc-support@google.com</email>
    <report_id>1234567890123456789</report_id>
    <date_range><begin>1767225600</begin><end>1767311999</end></date_range>
  </report_metadata>
  <policy_published>
    <domain>Example.ORG</domain><adkim>r</adkim><aspf>r</aspf>
    <p>quarantine</p><sp>none</sp><pct>100</pct>
  </policy_published>
  <record>
    <row>
      <source_ip>192.0.2.25</source_ip><count>3</count>
      <policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf>
      </policy_evaluated>
    </row>
    <identifiers><header_from>example.org</header_from></identifiers>
    <auth_results>
      <dkim><domain>example.org</domain><selector>s1</selector><result>pass</result></dkim>
      <spf><domain>list.example.net</domain><result>fail</result></spf>
    </auth_results>
  </record>
  <record>
    <row>
      <source_ip>2001:db8::7</source_ip><count>12</count>
      <policy_evaluated><disposition>quarantine</disposition><dkim>fail</dkim><spf>fail</spf>
        <reason><type>forwarded</type></reason>
      </policy_evaluated>
    </row>
    <identifiers><header_from>example.org</header_from></identifiers>
    <auth_results>
      <spf><domain>mx.example.com</domain><scope>helo</scope><result>pass</result></spf>
    </auth_results>
  </record>
</feedback>
)";

std::string gzip_of(const std::string& s) { return history::gzip(s); }

// Raw deflate (a zip entry's method 8).
std::string deflate_raw(const std::string& s) {
  z_stream z{};
  CPPUNIT_ASSERT_EQUAL(Z_OK, deflateInit2(&z, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY));
  std::string out(deflateBound(&z, s.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
  z.avail_in = static_cast<uInt>(s.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  CPPUNIT_ASSERT_EQUAL(Z_STREAM_END, deflate(&z, Z_FINISH));
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

void put(std::string& o, uint32_t v, int n) {
  for (int i = 0; i < n; ++i) o += static_cast<char>((v >> (8 * i)) & 0xff);
}

struct ZipEntry {
  std::string name, data;
  bool deflate = true;
  uint32_t claimed_size = 0;  // 0: the real size
};

// A zip archive (APPNOTE.TXT §4.3): local headers, the central directory, its end.
std::string zip_of(const std::vector<ZipEntry>& entries) {
  std::string out, cd;
  for (const auto& e : entries) {
    std::string body = e.deflate ? deflate_raw(e.data) : e.data;
    uint32_t crc = crc32(0, reinterpret_cast<const Bytef*>(e.data.data()),
                         static_cast<uInt>(e.data.size()));
    uint32_t usize = e.claimed_size ? e.claimed_size : static_cast<uint32_t>(e.data.size());
    uint32_t offset = static_cast<uint32_t>(out.size());
    out += "PK\x03\x04";
    put(out, 20, 2), put(out, 0, 2), put(out, e.deflate ? 8 : 0, 2), put(out, 0, 4);
    put(out, crc, 4), put(out, static_cast<uint32_t>(body.size()), 4), put(out, usize, 4);
    put(out, static_cast<uint32_t>(e.name.size()), 2), put(out, 0, 2);
    out += e.name + body;
    cd += "PK\x01\x02";
    put(cd, 20, 2), put(cd, 20, 2), put(cd, 0, 2), put(cd, e.deflate ? 8 : 0, 2);
    put(cd, 0, 4), put(cd, crc, 4), put(cd, static_cast<uint32_t>(body.size()), 4);
    put(cd, usize, 4), put(cd, static_cast<uint32_t>(e.name.size()), 2);
    put(cd, 0, 2), put(cd, 0, 2), put(cd, 0, 2), put(cd, 0, 2), put(cd, 0, 4);
    put(cd, offset, 4);
    cd += e.name;
  }
  uint32_t cd_at = static_cast<uint32_t>(out.size());
  out += cd + "PK\x05\x06";
  put(out, 0, 2), put(out, 0, 2), put(out, static_cast<uint32_t>(entries.size()), 2);
  put(out, static_cast<uint32_t>(entries.size()), 2);
  put(out, static_cast<uint32_t>(cd.size()), 4), put(out, cd_at, 4), put(out, 0, 2);
  return out;
}

// A report mail: a text part, then `data` as an attachment of `type` named `file`.
std::string mail_with(const std::string& type, const std::string& file,
                      const std::string& data) {
  std::string b64 = base64_encode(data);
  std::string body;
  for (size_t i = 0; i < b64.size(); i += 76) body += b64.substr(i, 76) + "\r\n";
  return "From: noreply-dmarc-support@google.com\r\n"
         "To: dmarc@example.org\r\n"
         "Subject: Report domain: example.org Submitter: google.com\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: multipart/mixed; boundary=\"000000000000abcd\"\r\n"
         "\r\n"
         "--000000000000abcd\r\n"
         "Content-Type: text/plain; charset=\"UTF-8\"\r\n"
         "\r\n"
         "This is an aggregate report.\r\n"
         "--000000000000abcd\r\n"
         "Content-Type: " +
         type + "; \r\n\tname=\"" + file +
         "\"\r\n"
         "Content-Disposition: attachment; filename=\"" +
         file +
         "\"\r\n"
         "Content-Transfer-Encoding: base64\r\n"
         "\r\n" +
         body + "--000000000000abcd--\r\n";
}

ReadRecord rec(std::string dkim_aligned, std::string spf_aligned,
               std::vector<history::ReadDkim> dkim, std::vector<history::ReadSpf> spf) {
  ReadRecord r;
  r.source_ip = "192.0.2.1";
  r.count = 1;
  r.dkim_aligned = std::move(dkim_aligned);
  r.spf_aligned = std::move(spf_aligned);
  r.dkim = std::move(dkim);
  r.spf = std::move(spf);
  return r;
}

bool has_error(const history::Unpacked& u, const std::string& part) {
  for (const auto& e : u.errors)
    if (e.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

class ReportReaderTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ReportReaderTest);
  CPPUNIT_TEST(testOwnRfc9990ReportReadsBack);
  CPPUNIT_TEST(testRfc7489ReportWithoutNamespace);
  CPPUNIT_TEST(testDmarcOrgNamespaceIsRfc7489);
  CPPUNIT_TEST(testForeignNamespaceRefused);
  CPPUNIT_TEST(testDoctypeAndEntityExpansionRefused);
  CPPUNIT_TEST(testDeepNestingRefused);
  CPPUNIT_TEST(testMissingPolicyDomainRefused);
  CPPUNIT_TEST(testGzipReportUnpacked);
  CPPUNIT_TEST(testGzipBombStopsAtTheCap);
  CPPUNIT_TEST(testTruncatedGzipRefused);
  CPPUNIT_TEST(testZipStoredAndDeflatedEntries);
  CPPUNIT_TEST(testZipWithTooManyEntriesRefused);
  CPPUNIT_TEST(testZipEntryClaimingHugeSizeRefused);
  CPPUNIT_TEST(testZipCrcMismatchRefused);
  CPPUNIT_TEST(testMailWithZipAttachmentAsGoogleSends);
  CPPUNIT_TEST(testMailWithGzipAndOctetStreamAttachments);
  CPPUNIT_TEST(testMailWithoutReportAttachmentNamesItsParts);
  CPPUNIT_TEST(testNonXmlFileRefused);
  CPPUNIT_TEST(testOversizedInputRefused);
  CPPUNIT_TEST(testMboxSplitIntoMessages);
  CPPUNIT_TEST(testEveryTruncationIsReadOrRefused);
  CPPUNIT_TEST(testGroupForwarder);
  CPPUNIT_TEST(testGroupAligned);
  CPPUNIT_TEST(testGroupSpfOnly);
  CPPUNIT_TEST(testGroupSesWithoutCustomMailFrom);
  CPPUNIT_TEST(testGroupUnsignedRelay);
  CPPUNIT_TEST(testGroupOtherSigner);
  CPPUNIT_TEST(testGroupUnauthenticated);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testOwnRfc9990ReportReadsBack() {
    history::Row r;
    r.time = 1767225600 + 60;
    r.source_ip = "198.51.100.7";
    r.header_from = r.envelope_from = r.policy_domain = r.spf_domain = "example.com";
    r.p = "reject";
    r.dmarc_result = "pass";
    r.dkim_aligned = true;
    r.spf_aligned = false;
    r.spf_scope = "mfrom";
    r.spf_result = "softfail";
    r.dkim = {{"example.com", "s2026", "pass"}};
    history::ReportInfo info;
    info.org_name = "Receiver";
    info.email = "reports@receiver.example";
    info.receiver = "receiver.example";
    info.begin = 1767225600;
    info.end = info.begin + 86400;
    auto reports = history::build_reports({r, r}, info);
    CPPUNIT_ASSERT_EQUAL(size_t{1}, reports.size());
    auto u = history::unpack_report_input(gzip_of(reports[0].xml));
    CPPUNIT_ASSERT(u.errors.empty());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, u.documents.size());
    auto rep = history::parse_report_xml(u.documents[0].xml);
    CPPUNIT_ASSERT_MESSAGE(rep.message(), rep.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("dmarc-2.0"), rep->format);
    CPPUNIT_ASSERT_EQUAL(std::string("example.com"), rep->domain);
    CPPUNIT_ASSERT_EQUAL(std::string("Receiver"), rep->org_name);
    CPPUNIT_ASSERT_EQUAL(reports[0].report_id, rep->report_id);
    CPPUNIT_ASSERT_EQUAL(int64_t{1767225600}, rep->begin);
    CPPUNIT_ASSERT_EQUAL(int64_t{1767225600 + 86399}, rep->end);
    CPPUNIT_ASSERT_EQUAL(std::string("reject"), rep->p);
    CPPUNIT_ASSERT_EQUAL(size_t{1}, rep->records.size());
    const ReadRecord& x = rep->records[0];
    CPPUNIT_ASSERT_EQUAL(std::string("198.51.100.7"), x.source_ip);
    CPPUNIT_ASSERT_EQUAL(uint64_t{2}, x.count);
    CPPUNIT_ASSERT_EQUAL(std::string("pass"), x.disposition);
    CPPUNIT_ASSERT_EQUAL(std::string("pass"), x.dkim_aligned);
    CPPUNIT_ASSERT_EQUAL(std::string("fail"), x.spf_aligned);
    CPPUNIT_ASSERT_EQUAL(size_t{1}, x.dkim.size());
    CPPUNIT_ASSERT_EQUAL(std::string("s2026"), x.dkim[0].selector);
    CPPUNIT_ASSERT_EQUAL(std::string("softfail"), x.spf.at(0).result);
    CPPUNIT_ASSERT_EQUAL(std::string("mfrom"), x.spf.at(0).scope);
    // SPF softfail with a passing signature: the forwarder group (report_triage.h).
    CPPUNIT_ASSERT(history::classify(x) == SourceGroup::kForwarder);
  }

  void testRfc7489ReportWithoutNamespace() {
    auto rep = history::parse_report_xml(kRfc7489);
    CPPUNIT_ASSERT_MESSAGE(rep.message(), rep.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("rfc7489"), rep->format);
    CPPUNIT_ASSERT_EQUAL(std::string("example.org"), rep->domain);
    CPPUNIT_ASSERT_EQUAL(std::string("100"), rep->pct);
    CPPUNIT_ASSERT_EQUAL(std::string("quarantine"), rep->p);
    CPPUNIT_ASSERT_EQUAL(size_t{2}, rep->records.size());
    CPPUNIT_ASSERT_EQUAL(std::string("2001:db8::7"), rep->records[1].source_ip);
    CPPUNIT_ASSERT_EQUAL(uint64_t{12}, rep->records[1].count);
    CPPUNIT_ASSERT_EQUAL(std::string("quarantine"), rep->records[1].disposition);
    CPPUNIT_ASSERT_EQUAL(std::string("forwarded"), rep->records[1].reasons.at(0));
    CPPUNIT_ASSERT_EQUAL(std::string("helo"), rep->records[1].spf.at(0).scope);
    CPPUNIT_ASSERT(history::fails_dmarc(rep->records[1]));
    CPPUNIT_ASSERT(!history::fails_dmarc(rep->records[0]));
  }

  void testDmarcOrgNamespaceIsRfc7489() {
    std::string x = kRfc7489;
    x.replace(x.find("<feedback>"), 10,
              "<feedback xmlns=\"http://dmarc.org/dmarc-xml/0.1\" "
              "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">");
    auto rep = history::parse_report_xml(x);
    CPPUNIT_ASSERT_MESSAGE(rep.message(), rep.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("rfc7489"), rep->format);
    CPPUNIT_ASSERT_EQUAL(size_t{2}, rep->records.size());
  }

  void testForeignNamespaceRefused() {
    std::string x = kRfc7489;
    x.replace(x.find("<feedback>"), 10, "<feedback xmlns=\"urn:example:other\">");
    auto rep = history::parse_report_xml(x);
    CPPUNIT_ASSERT(!rep.ok());
    CPPUNIT_ASSERT(rep.message().find("namespace urn:example:other") != std::string::npos);
  }

  void testDoctypeAndEntityExpansionRefused() {
    // "Billion laughs": ten levels of ten references.
    std::string bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE feedback [\n<!ENTITY l0 \"lol\">\n";
    for (int i = 1; i <= 10; ++i) {
      bomb += "<!ENTITY l" + std::to_string(i) + " \"";
      for (int j = 0; j < 10; ++j) bomb += "&l" + std::to_string(i - 1) + ";";
      bomb += "\">\n";
    }
    bomb +=
        "]>\n<feedback><report_metadata><org_name>&l10;</org_name></report_metadata></"
        "feedback>\n";
    auto rep = history::parse_report_xml(bomb);
    CPPUNIT_ASSERT(!rep.ok());
    CPPUNIT_ASSERT_MESSAGE(rep.message(), rep.message().find("DOCTYPE") != std::string::npos);
  }

  void testDeepNestingRefused() {
    std::string x = "<feedback>";
    for (int i = 0; i < 100000; ++i) x += "<a>";
    auto rep = history::parse_report_xml(x);
    CPPUNIT_ASSERT(!rep.ok());
    CPPUNIT_ASSERT_MESSAGE(rep.message(),
                           rep.message().find("nested deeper than 16") != std::string::npos);
  }

  void testMissingPolicyDomainRefused() {
    auto rep = history::parse_report_xml("<feedback><report_metadata/></feedback>");
    CPPUNIT_ASSERT(!rep.ok());
    CPPUNIT_ASSERT(rep.message().find("policy_published/domain") != std::string::npos);
    auto other = history::parse_report_xml("<html><body/></html>");
    CPPUNIT_ASSERT(!other.ok());
    CPPUNIT_ASSERT(other.message().find("not <feedback>") != std::string::npos);
  }

  void testGzipReportUnpacked() {
    auto u = history::unpack_report_input(gzip_of(kRfc7489));
    CPPUNIT_ASSERT(u.errors.empty());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, u.documents.size());
    CPPUNIT_ASSERT_EQUAL(std::string(kRfc7489), u.documents[0].xml);
  }

  void testGzipBombStopsAtTheCap() {
    // 8 MiB of zeros is about 8 KiB of gzip; the cap is set to 1 MiB.
    ReadLimits limits;
    limits.max_inflated_bytes = 1 << 20;
    std::string bomb = gzip_of(std::string(8 << 20, '\0'));
    CPPUNIT_ASSERT(bomb.size() < 64 * 1024);
    auto u = history::unpack_report_input(bomb, limits);
    CPPUNIT_ASSERT(u.documents.empty());
    CPPUNIT_ASSERT(has_error(u, "gzip: inflates past the cap of 1 MiB"));
  }

  void testTruncatedGzipRefused() {
    std::string gz = gzip_of(kRfc7489);
    auto u = history::unpack_report_input(gz.substr(0, gz.size() / 2));
    CPPUNIT_ASSERT(u.documents.empty());
    CPPUNIT_ASSERT(has_error(u, "gzip: truncated"));
    std::string bad = gz;
    bad[12] = static_cast<char>(bad[12] ^ 0xff);
    bad[13] = static_cast<char>(bad[13] ^ 0xff);
    auto v = history::unpack_report_input(bad);
    CPPUNIT_ASSERT(v.documents.empty());
    CPPUNIT_ASSERT(has_error(v, "gzip: "));
  }

  void testZipStoredAndDeflatedEntries() {
    auto u = history::unpack_report_input(
        zip_of({{"a.xml", kRfc7489, true}, {"dir/", "", false}, {"b.xml", kRfc7489, false}}));
    CPPUNIT_ASSERT_MESSAGE(u.errors.empty() ? "" : u.errors[0], u.errors.empty());
    CPPUNIT_ASSERT_EQUAL(size_t{2}, u.documents.size());
    CPPUNIT_ASSERT_EQUAL(std::string(kRfc7489), u.documents[0].xml);
    CPPUNIT_ASSERT_EQUAL(std::string(kRfc7489), u.documents[1].xml);
    CPPUNIT_ASSERT_EQUAL(std::string("b.xml"), u.documents[1].where);
  }

  void testZipWithTooManyEntriesRefused() {
    std::vector<ZipEntry> many;
    for (int i = 0; i < 1000; ++i) many.push_back({"r" + std::to_string(i) + ".xml", "<x/>"});
    auto u = history::unpack_report_input(zip_of(many));
    CPPUNIT_ASSERT(u.documents.empty());
    CPPUNIT_ASSERT(has_error(u, "zip: 1000 entries, more than the 16"));
  }

  void testZipEntryClaimingHugeSizeRefused() {
    ReadLimits limits;
    limits.max_inflated_bytes = 1 << 20;
    // A real bomb entry (claims its size honestly) and one that lies about it.
    auto u = history::unpack_report_input(
        zip_of({{"big.xml", std::string(4 << 20, ' ')},
                {"liar.xml", std::string(4 << 20, ' '), true, 100}}),
        limits);
    CPPUNIT_ASSERT(u.documents.empty());
    CPPUNIT_ASSERT(has_error(u, "zip entry big.xml: says it holds 4 MiB, more than the cap"));
    CPPUNIT_ASSERT(has_error(u, "zip entry liar.xml: inflates past the cap"));
  }

  void testZipCrcMismatchRefused() {
    std::string z = zip_of({{"a.xml", kRfc7489, false}});
    z[30 + 5 + 100] = 'X';  // inside the stored data
    auto u = history::unpack_report_input(z);
    CPPUNIT_ASSERT(u.documents.empty());
    CPPUNIT_ASSERT(has_error(u, "CRC mismatch"));
  }

  void testMailWithZipAttachmentAsGoogleSends() {
    auto u = history::unpack_report_input(
        mail_with("application/zip", "google.com!example.org!1767225600!1767311999.zip",
                  zip_of({{"google.com!example.org!1767225600!1767311999.xml", kRfc7489}})));
    CPPUNIT_ASSERT_MESSAGE(u.errors.empty() ? "" : u.errors[0], u.errors.empty());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, u.documents.size());
    CPPUNIT_ASSERT(history::parse_report_xml(u.documents[0].xml).ok());
    CPPUNIT_ASSERT(u.documents[0].where.find("attachment google.com!example.org") == 0);
  }

  void testMailWithGzipAndOctetStreamAttachments() {
    for (const char* type :
         {"application/gzip", "application/x-gzip", "application/octet-stream"}) {
      auto u = history::unpack_report_input(mail_with(
          type, "enterprise.protection.outlook.com!example.org!1!2.xml.gz", gzip_of(kRfc7489)));
      CPPUNIT_ASSERT_MESSAGE(type, u.errors.empty());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(type, size_t{1}, u.documents.size());
      CPPUNIT_ASSERT_EQUAL(std::string(kRfc7489), u.documents[0].xml);
    }
    // A single-part mail whose body is the gzip file, LF line ends.
    std::string b64 = base64_encode(gzip_of(kRfc7489));
    std::string single =
        "From: dmarc@yahoo.example\nContent-Type: application/gzip\n"
        "Content-Transfer-Encoding: base64\n\n" +
        b64 + "\n";
    auto s = history::unpack_report_input(single);
    CPPUNIT_ASSERT(s.errors.empty());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, s.documents.size());
  }

  void testMailWithoutReportAttachmentNamesItsParts() {
    auto u = history::unpack_report_input(mail_with("image/png", "logo.png", "\x89PNG...."));
    CPPUNIT_ASSERT(u.documents.empty());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, u.errors.size());
    CPPUNIT_ASSERT_EQUAL(
        std::string("no DMARC report attachment in this mail (it has: text/plain, "
                    "image/png (logo.png))"),
        u.errors[0]);
    // Labelled a report, but not one inside.
    auto v = history::unpack_report_input(mail_with("application/gzip", "x.xml.gz", "hello"));
    CPPUNIT_ASSERT(has_error(v, "attachment x.xml.gz: not a DMARC report"));
  }

  void testNonXmlFileRefused() {
    auto u = history::unpack_report_input(std::string("\x00\x01\x02 binary", 10));
    CPPUNIT_ASSERT(has_error(u, "not a DMARC report: neither XML, gzip, zip nor a mail"));
    auto rep = history::parse_report_xml("<feedback><unclosed></feedback>");
    CPPUNIT_ASSERT(!rep.ok());
    CPPUNIT_ASSERT(rep.message().find("XML line 1: mismatched tag") == 0);
  }

  void testOversizedInputRefused() {
    ReadLimits limits;
    limits.max_input_bytes = 1 << 20;
    auto u = history::unpack_report_input(std::string((1 << 20) + 1, '<'), limits);
    CPPUNIT_ASSERT(has_error(u, "larger than the cap of 1 MiB"));
  }

  void testMboxSplitIntoMessages() {
    auto m = history::split_mbox(
        "From a@b Mon Jan  1 00:00:00 2026\nSubject: one\n\n>From here\n"
        "From c@d Mon Jan  1 00:00:01 2026\nSubject: two\n\nbody\n");
    CPPUNIT_ASSERT_EQUAL(size_t{2}, m.size());
    CPPUNIT_ASSERT_EQUAL(std::string("Subject: one\n\n>From here\n"), std::string(m[0]));
    CPPUNIT_ASSERT_EQUAL(std::string("Subject: two\n\nbody\n"), std::string(m[1]));
  }

  void testEveryTruncationIsReadOrRefused() {
    // A zip in a mail and a gzip, cut at every length and with one byte flipped at
    // every offset: each is either read or refused with a reason, never a crash (run
    // under ASan/UBSan by hand, see doc/notes/operator-tools.md).
    std::string zip = zip_of({{"a.xml", kRfc7489}});
    std::string gz = gzip_of(kRfc7489);
    for (const std::string& whole : {zip, gz, mail_with("application/zip", "a.zip", zip)}) {
      for (size_t n = 0; n < whole.size(); ++n) {
        auto u = history::unpack_report_input(whole.substr(0, n));
        for (const auto& d : u.documents) (void)history::parse_report_xml(d.xml);
        CPPUNIT_ASSERT(!u.documents.empty() || !u.errors.empty());
        std::string flipped = whole;
        flipped[n] = static_cast<char>(flipped[n] ^ 0x5a);
        auto v = history::unpack_report_input(flipped);
        for (const auto& d : v.documents) (void)history::parse_report_xml(d.xml);
        CPPUNIT_ASSERT(!v.documents.empty() || !v.errors.empty());
      }
    }
  }

  // The groups, one test each (report_triage.h).
  void testGroupForwarder() {
    // SPF fails at the forwarder; the author's signature survived (aligned) ...
    CPPUNIT_ASSERT(history::classify(rec("pass", "fail", {{"example.org", "s1", "pass"}},
                                         {{"example.org", "mfrom", "fail"}})) ==
                   SourceGroup::kForwarder);
    // ... or only the forwarder's own did (not aligned).
    CPPUNIT_ASSERT(
        history::classify(rec(
            "fail", "fail", {{"example.org", "s1", "fail"}, {"forwarder.example", "f", "pass"}},
            {{"example.org", "mfrom", "softfail"}})) == SourceGroup::kForwarder);
  }
  void testGroupAligned() {
    CPPUNIT_ASSERT(history::classify(rec("pass", "pass", {{"example.org", "s1", "pass"}},
                                         {{"example.org", "mfrom", "pass"}})) ==
                   SourceGroup::kAligned);
  }
  void testGroupSpfOnly() {
    CPPUNIT_ASSERT(
        history::classify(rec("fail", "pass", {}, {{"example.org", "mfrom", "pass"}})) ==
        SourceGroup::kSpfOnly);
  }
  void testGroupSesWithoutCustomMailFrom() {
    // SES signs with amazonses.com and sends from its own MAIL FROM.
    ReadRecord r = rec("fail", "fail", {{"amazonses.com", "x", "pass"}},
                       {{"eu-west-1.amazonses.com", "mfrom", "pass"}});
    CPPUNIT_ASSERT(history::classify(r) == SourceGroup::kSesNoMailFrom);
    CPPUNIT_ASSERT(history::fails_dmarc(r));
    // A domain that only ends in the same letters is not SES.
    CPPUNIT_ASSERT(
        history::classify(rec("fail", "fail", {}, {{"notamazonses.com", "mfrom", "pass"}})) ==
        SourceGroup::kUnsignedRelay);
  }
  void testGroupUnsignedRelay() {
    CPPUNIT_ASSERT(history::classify(rec("fail", "fail", {{"example.org", "s1", "fail"}},
                                         {{"crm.example.net", "mfrom", "pass"}})) ==
                   SourceGroup::kUnsignedRelay);
  }
  void testGroupOtherSigner() {
    CPPUNIT_ASSERT(history::classify(rec("fail", "fail", {{"list.example.net", "l", "pass"}},
                                         {{"list.example.net", "mfrom", "pass"}})) ==
                   SourceGroup::kOtherSigner);
  }
  void testGroupUnauthenticated() {
    CPPUNIT_ASSERT(
        history::classify(rec("fail", "fail", {}, {{"example.org", "mfrom", "fail"}})) ==
        SourceGroup::kUnauthenticated);
    CPPUNIT_ASSERT(history::classify(rec("fail", "fail", {}, {})) ==
                   SourceGroup::kUnauthenticated);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ReportReaderTest);
