/// \file
/// The sending-domain audit of check-dns (audit/domain_audit.h) on an in-memory
/// resolver: a clean domain passes every requirement; each planted fault is one FAIL
/// line; DNS trouble is temperror, never FAIL.
#include "audit/domain_audit.h"

#include <cppunit/extensions/HelperMacros.h>

#include "dkim/key.h"
#include "dns/static_resolver.h"

using postseal::audit::audit_domain;
using postseal::audit::AuditOptions;
using postseal::audit::Level;
using postseal::dns::StaticResolver;

namespace {

// The findings of `section` at `level` that contain `part`.
int count(const postseal::audit::Audit& a, const std::string& section, Level level,
          const std::string& part) {
  int n = 0;
  for (const auto& f : a.findings)
    if (f.section == section && f.level == level && f.text.find(part) != std::string::npos) ++n;
  return n;
}

void publish_good(StaticResolver& r, const std::string& key_record) {
  r.add_txt("example.com", "v=spf1 ip4:192.0.2.10 -all");
  r.add_mx("example.com", "mx.example.com");
  r.add_address("mx.example.com", "192.0.2.10");
  r.add_txt("_dmarc.example.com", "v=DMARC1; p=quarantine; rua=mailto:d@example.com");
  r.add_txt("s1._domainkey.example.com", key_record);
  r.add_txt("com", "unrelated");
}

// relay = ses for example.com: tokens t1..t3, MAIL FROM mail.example.com, eu-west-1.
AuditOptions ses_options() {
  AuditOptions o;
  o.domain = "example.com";
  o.selectors = {"t1", "t2", "t3"};
  o.mail_from_domain = "mail.example.com";
  o.relay = postseal::config::Relay::kSes;
  o.region = "eu-west-1";
  return o;
}

}  // namespace

class DomainAuditTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(DomainAuditTest);
  CPPUNIT_TEST(testCleanDomainMeetsEveryRequirement);
  CPPUNIT_TEST(testPlantedFaultsAreEachFound);
  CPPUNIT_TEST(testDnsTroubleIsNeverAFailure);
  CPPUNIT_TEST(testSesSetupIsChecked);
  CPPUNIT_TEST(testSesFaultsAreEachFound);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testCleanDomainMeetsEveryRequirement() {
    auto key = postseal::dkim::PrivateKey::generate(postseal::dkim::KeyType::kRsa, 2048);
    CPPUNIT_ASSERT(key.ok());
    StaticResolver r;
    publish_good(r, key->public_record());
    AuditOptions o;
    o.domain = "Example.com";
    o.selectors = {"s1"};
    auto a = audit_domain(r, o);
    CPPUNIT_ASSERT(a.worst() == Level::kOk);
    CPPUNIT_ASSERT_EQUAL(4, count(a, "verdict", Level::kOk, ""));
    CPPUNIT_ASSERT_EQUAL(1,
                         count(a, "dmarc", Level::kOk, "policy for example.com: quarantine"));
  }
  void testPlantedFaultsAreEachFound() {
    StaticResolver r;
    r.add_txt("example.com", "v=spf1 +all");
    r.add_txt("example.com", "v=spf1 -all");
    r.add_cname("ses._domainkey.example.com", "ses.dkim.amazonses.exmaple");
    r.add_txt("_dmarc.example.com", "v=DMARC1; p=rejct; rua=mailto:d@elsewhere.example");
    AuditOptions o;
    o.domain = "example.com";
    o.selectors = {"s1", "ses"};
    auto a = audit_domain(r, o);
    CPPUNIT_ASSERT(a.worst() == Level::kFail);
    CPPUNIT_ASSERT_EQUAL(1, count(a, "spf", Level::kFail, "2 SPF records"));
    CPPUNIT_ASSERT_EQUAL(1, count(a, "dkim", Level::kFail, "s=s1 not-found"));
    CPPUNIT_ASSERT_EQUAL(1, count(a, "dkim", Level::kFail, "s=ses cname-broken"));
    CPPUNIT_ASSERT_EQUAL(1, count(a, "dmarc", Level::kFail, "invalid value"));
    CPPUNIT_ASSERT_EQUAL(1, count(a, "dmarc", Level::kFail, "rua destination refused"));
    CPPUNIT_ASSERT_EQUAL(1, count(a, "mx", Level::kWarn, "no MX record"));
  }
  void testDnsTroubleIsNeverAFailure() {
    StaticResolver r;
    for (const char* n : {"example.com", "_dmarc.example.com", "com", "_dmarc.com",
                          "s1._domainkey.example.com"})
      r.fail(n, postseal::dns::Status::kTempError, "SERVFAIL");
    AuditOptions o;
    o.domain = "example.com";
    o.selectors = {"s1"};
    auto a = audit_domain(r, o);
    CPPUNIT_ASSERT(a.worst() == Level::kTempError);
    CPPUNIT_ASSERT_EQUAL(0, count(a, "verdict", Level::kFail, ""));
  }
  // relay = ses: three CNAMEs into dkim.amazonses.com, the custom MAIL FROM domain's
  // MX at the region's feedback endpoint and SPF with include:amazonses.com.
  void testSesSetupIsChecked() {
    StaticResolver r;
    for (const char* t : {"t1", "t2", "t3"})
      r.add_cname(std::string(t) + "._domainkey.example.com",
                  std::string(t) + ".dkim.amazonses.com");
    r.add_mx("mail.example.com", "feedback-smtp.eu-west-1.amazonses.com");
    r.add_txt("mail.example.com", "v=spf1 include:amazonses.com ~all");
    AuditOptions o = ses_options();
    auto a = audit_domain(r, o);
    CPPUNIT_ASSERT_EQUAL(3, count(a, "ses", Level::kOk, ".dkim.amazonses.com"));
    CPPUNIT_ASSERT_EQUAL(1, count(a, "ses", Level::kOk, "MX feedback-smtp.eu-west-1"));
    CPPUNIT_ASSERT_EQUAL(1, count(a, "ses", Level::kOk, "SPF includes amazonses.com"));
    CPPUNIT_ASSERT_EQUAL(0, count(a, "ses", Level::kFail, ""));
    // Without relay = ses there is no ses section at all.
    o.relay = postseal::config::Relay::kNone;
    CPPUNIT_ASSERT_EQUAL(0, count(audit_domain(r, o), "ses", Level::kOk, ""));
  }

  void testSesFaultsAreEachFound() {
    StaticResolver r;
    r.add_cname("t1._domainkey.example.com", "t1.dkim.amazonses.com");
    r.add_cname("t2._domainkey.example.com", "t2.dkim.amazonses.cm");
    r.add_mx("mail.example.com", "feedback-smtp.us-east-1.amazonses.com");
    r.add_txt("mail.example.com", "v=spf1 -all");
    AuditOptions o = ses_options();
    auto a = audit_domain(r, o);
    CPPUNIT_ASSERT(a.worst() == Level::kFail);
    CPPUNIT_ASSERT_EQUAL(1, count(a, "ses", Level::kFail, "SES expects t2.dkim.amazonses.com"));
    CPPUNIT_ASSERT_EQUAL(
        1, count(a, "ses", Level::kFail, "t3._domainkey.example.com is not a CNAME"));
    CPPUNIT_ASSERT_EQUAL(1, count(a, "ses", Level::kFail, "another region's endpoint"));
    CPPUNIT_ASSERT_EQUAL(1,
                         count(a, "ses", Level::kFail, "SPF does not include amazonses.com"));
    // No MX at all, and no custom MAIL FROM domain.
    StaticResolver bare;
    o.selectors = {"t1"};
    CPPUNIT_ASSERT_EQUAL(1, count(audit_domain(bare, o), "ses", Level::kFail,
                                  "no MX record for the MAIL FROM domain"));
    o.mail_from_domain.clear();
    CPPUNIT_ASSERT_EQUAL(
        1, count(audit_domain(bare, o), "ses", Level::kWarn, "no custom MAIL FROM domain"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DomainAuditTest);
