/// \file
/// spf::Checker (RFC 7208) on an in-memory resolver: every result, include/redirect,
/// macros, exp=, the lookup limits, IPv6, temperror on DNS trouble, the null sender and
/// HELO identities, the corrections made around libspf2, and Received-SPF.
#include "spf/spf.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "dns/static_resolver.h"
#include "spf/record_check.h"

using postseal::dns::StaticResolver;
using postseal::dns::Status;
using postseal::spf::Checker;
using postseal::spf::Envelope;
using postseal::spf::Identity;
using postseal::spf::Result;
using postseal::spf::Verdict;

namespace {

const char* kReceiver = "mx.example.net";

Envelope env(std::string ip, std::string sender, std::string helo = "mail.example.com") {
  return Envelope{std::move(ip), std::move(helo), std::move(sender)};
}

std::string word(Result r) { return std::string(postseal::spf::to_string(r)); }

}  // namespace

class SpfTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SpfTest);
  CPPUNIT_TEST(testEveryResultWord);
  CPPUNIT_TEST(testNoRecordIsNone);
  CPPUNIT_TEST(testMultipleSpfRecordsArePermError);
  CPPUNIT_TEST(testOtherTxtRecordsAreIgnored);
  CPPUNIT_TEST(testEmptyAndBinaryTxtRecordsBesideTheRecordAreIgnored);
  CPPUNIT_TEST(testCnameLoopIsTempError);
  CPPUNIT_TEST(testIncludeMatchesOnlyOnPass);
  CPPUNIT_TEST(testIncludeOfDomainWithoutRecordIsPermError);
  CPPUNIT_TEST(testRedirectUsesTargetRecord);
  CPPUNIT_TEST(testRedirectIgnoredWhenRecordHasAll);
  CPPUNIT_TEST(testMacrosAreExpanded);
  CPPUNIT_TEST(testExplanationFromExpOnFail);
  CPPUNIT_TEST(testDefaultExplanationWithoutExp);
  CPPUNIT_TEST(testLongExpansionLosesLabelsOnTheLeft);
  CPPUNIT_TEST(testElevenIncludesArePermError);
  CPPUNIT_TEST(testTenDnsTermsAreAllowed);
  CPPUNIT_TEST(testExplanationLookupsAreNotCounted);
  CPPUNIT_TEST(testThirdVoidLookupIsPermError);
  CPPUNIT_TEST(testMxWithMoreThanTenNamesIsPermError);
  CPPUNIT_TEST(testPtrUsesFirstTenNames);
  CPPUNIT_TEST(testIpv6Client);
  CPPUNIT_TEST(testIpv4MappedClientIsCheckedAsIpv4);
  CPPUNIT_TEST(testZeroCidrLengthMatchesAnyAddress);
  CPPUNIT_TEST(testDnsFailureOnRecordIsTempError);
  CPPUNIT_TEST(testDnsFailureInMechanismIsTempErrorNeverFail);
  CPPUNIT_TEST(testDnsFailureInIncludeIsTempError);
  CPPUNIT_TEST(testNullSenderIsPostmasterAtHelo);
  CPPUNIT_TEST(testSenderWithoutLocalPartIsPostmaster);
  CPPUNIT_TEST(testHeloIdentity);
  CPPUNIT_TEST(testHeloThatIsNotADomainIsNone);
  CPPUNIT_TEST(testMalformedDomainIsNone);
  CPPUNIT_TEST(testLoopbackClientGetsNoFreePass);
  CPPUNIT_TEST(testSyntaxErrorsArePermError);
  CPPUNIT_TEST(testNonAsciiRecordIsPermError);
  CPPUNIT_TEST(testUnknownModifiersAreIgnored);
  CPPUNIT_TEST(testInvalidClientAddressIsNone);
  CPPUNIT_TEST(testReceivedSpfIsExactlyRfc7208Form);
  CPPUNIT_TEST(testReceivedSpfQuotesAndAddsProblem);
  CPPUNIT_TEST(testReceivedSpfForHeloIdentity);
  CPPUNIT_TEST(testConcurrentChecksKeepTheirOwnCounts);
  CPPUNIT_TEST(testLookupLimitPerCheckIsTempError);
  CPPUNIT_TEST(testResolverGivenPerCallIsUsed);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testEveryResultWord() {
    StaticResolver dns;
    dns.add_txt("p.example.com", "v=spf1 ip4:192.0.2.1 -all");
    dns.add_txt("f.example.com", "v=spf1 -all");
    dns.add_txt("s.example.com", "v=spf1 ~all");
    dns.add_txt("n.example.com", "v=spf1 ?all");
    dns.add_txt("d.example.com", "v=spf1 ip4:192.0.2.99");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass), word(check(c, "p.example.com")));
    CPPUNIT_ASSERT_EQUAL(word(Result::kFail), word(check(c, "f.example.com")));
    CPPUNIT_ASSERT_EQUAL(word(Result::kSoftFail), word(check(c, "s.example.com")));
    CPPUNIT_ASSERT_EQUAL(word(Result::kNeutral), word(check(c, "n.example.com")));
    CPPUNIT_ASSERT_EQUAL(word(Result::kNeutral), word(check(c, "d.example.com")));
    CPPUNIT_ASSERT_EQUAL(std::string("temperror"), word(Result::kTempError));
    CPPUNIT_ASSERT_EQUAL(std::string("permerror"), word(Result::kPermError));
    CPPUNIT_ASSERT_EQUAL(std::string("none"), word(Result::kNone));
  }

  // dns-lookup-limit in postseal-policyd: each check has its own budget; a lookup past
  // it is a temperror (RFC 7208 §4.6.4: a check that may not finish is not a fail).
  void testLookupLimitPerCheckIsTempError() {
    StaticResolver dns;
    dns.add_txt("example.com", "v=spf1 include:a.example.net -all");
    dns.add_txt("a.example.net", "v=spf1 ip4:192.0.2.1 -all");
    Checker unlimited(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass), word(check(unlimited, "example.com")));
    postseal::dns::LimitedResolver::Limits one;
    one.max_queries = 1;
    Checker c(dns, kReceiver, one);
    Verdict v = c.check_mail_from(env("192.0.2.1", "alice@example.com"));
    CPPUNIT_ASSERT_EQUAL(word(Result::kTempError), word(v.result));
    // Two lookups are enough, and each check starts with a budget of its own.
    postseal::dns::LimitedResolver::Limits two;
    two.max_queries = 2;
    Checker c2(dns, kReceiver, two);
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass), word(check(c2, "example.com")));
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass), word(check(c2, "example.com")));
  }

  // A resolver given with the call (a message's budget in the session) is asked instead
  // of the Checker's own.
  void testResolverGivenPerCallIsUsed() {
    StaticResolver own, other;
    own.add_txt("example.com", "v=spf1 -all");
    other.add_txt("example.com", "v=spf1 ip4:192.0.2.1 -all");
    Checker c(own, kReceiver);
    Envelope e = env("192.0.2.1", "alice@example.com");
    CPPUNIT_ASSERT_EQUAL(word(Result::kFail), word(c.check_mail_from(e).result));
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass), word(c.check_mail_from(e, &other).result));
    CPPUNIT_ASSERT_EQUAL(size_t(1), other.query_count());
  }

  void testNoRecordIsNone() {
    StaticResolver dns;
    dns.add_address("a.example.com", "192.0.2.1");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kNone), word(check(c, "a.example.com")));
    CPPUNIT_ASSERT_EQUAL(word(Result::kNone), word(check(c, "nxdomain.example.com")));
  }

  void testMultipleSpfRecordsArePermError() {
    StaticResolver dns;
    dns.add_txt("example.com", "v=spf1 -all");
    dns.add_txt("example.com", "v=spf1 +all");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kPermError), word(check(c, "example.com")));
  }

  void testOtherTxtRecordsAreIgnored() {
    StaticResolver dns;
    dns.add_txt("example.com", "google-site-verification=abc");
    dns.add_txt("example.com", "v=spf10 +all");
    dns.add_txt("example.com", "V=SPF1 ip4:192.0.2.1 -all");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass), word(check(c, "example.com")));
  }

  void testEmptyAndBinaryTxtRecordsBesideTheRecordAreIgnored() {
    // RFC 7208 §4.5: records that do not begin with "v=spf1" are discarded, whatever
    // they hold (issue 15; t21-dns-bad-answers serves these over the wire).
    StaticResolver dns;
    dns.add_txt("example.com", "");
    dns.add_txt("example.com", std::string("\xff\x00v=spf1 +all", 13));
    dns.add_txt("example.com", "v=spf1 ip4:192.0.2.1 -all");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass), word(check(c, "example.com")));
  }

  void testCnameLoopIsTempError() {
    // A CNAME loop reaches us as a failed query (libunbound: SERVFAIL). RFC 7208 §4.4:
    // an RCODE other than 0 or 3 makes check_host() "temperror" at once.
    StaticResolver dns;
    dns.add_cname("example.com", "loop.example.net");
    dns.add_cname("loop.example.net", "example.com");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kTempError), word(check(c, "example.com")));
  }

  void testIncludeMatchesOnlyOnPass() {
    StaticResolver dns;
    dns.add_txt("pass.example.com", "v=spf1 include:inc.example.com -all");
    dns.add_txt("fail.example.com", "v=spf1 include:incfail.example.com ?all");
    dns.add_txt("inc.example.com", "v=spf1 ip4:192.0.2.0/24 -all");
    dns.add_txt("incfail.example.com", "v=spf1 -all");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass), word(check(c, "pass.example.com")));
    // An include that fails does not match: evaluation goes on to ?all.
    CPPUNIT_ASSERT_EQUAL(word(Result::kNeutral), word(check(c, "fail.example.com")));
  }

  void testIncludeOfDomainWithoutRecordIsPermError() {
    StaticResolver dns;
    dns.add_txt("example.com", "v=spf1 include:nothing.example.com -all");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kPermError), word(check(c, "example.com")));
  }

  void testRedirectUsesTargetRecord() {
    StaticResolver dns;
    dns.add_txt("example.com", "v=spf1 ip4:198.51.100.1 redirect=_spf.example.net");
    dns.add_txt("_spf.example.net", "v=spf1 ip4:192.0.2.1 -all");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass), word(check(c, "example.com")));
    CPPUNIT_ASSERT_EQUAL(word(Result::kFail), word(check(c, "example.com", "192.0.2.2")));
    dns.add_txt("loop.example.com", "v=spf1 redirect=loop.example.com");
    CPPUNIT_ASSERT_EQUAL(word(Result::kPermError), word(check(c, "loop.example.com")));
  }

  void testRedirectIgnoredWhenRecordHasAll() {
    StaticResolver dns;
    // RFC 7208 §6.1; libspf2 follows the redirect here (fault L).
    dns.add_txt("example.com", "v=spf1 ?all redirect=target.example.com");
    dns.add_txt("target.example.com", "v=spf1 -all");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kNeutral), word(check(c, "example.com")));
  }

  void testMacrosAreExpanded() {
    StaticResolver dns;
    dns.add_txt("example.com", "v=spf1 exists:%{l}.%{ir}.%{d}._spf.example.com -all");
    dns.add_address("alice.1.2.0.192.example.com._spf.example.com", "127.0.0.2");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass), word(check(c, "example.com")));
    Verdict v = c.check_mail_from(env("192.0.2.1", "bob@example.com"));
    CPPUNIT_ASSERT_EQUAL(word(Result::kFail), word(v.result));
  }

  void testExplanationFromExpOnFail() {
    StaticResolver dns;
    dns.add_txt("example.com", "v=spf1 -all exp=why.example.com");
    dns.add_txt("why.example.com", "%{i} may not send mail for %{d} (see %{r})");
    Checker c(dns, kReceiver);
    Verdict v = c.check_mail_from(env("192.0.2.1", "alice@example.com"));
    CPPUNIT_ASSERT_EQUAL(word(Result::kFail), word(v.result));
    CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.1 may not send mail for example.com (see "
                                     "mx.example.net)"),
                         v.explanation);
  }

  void testDefaultExplanationWithoutExp() {
    StaticResolver dns;
    dns.add_txt("example.com", "v=spf1 -all");
    dns.add_txt("bad.example.com", "v=spf1 -all exp=nothing.example.com");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(std::string("SPF fail - not authorized"),
                         c.check_mail_from(env("192.0.2.1", "a@example.com")).explanation);
    CPPUNIT_ASSERT_EQUAL(std::string("SPF fail - not authorized"),
                         c.check_mail_from(env("192.0.2.1", "a@bad.example.com")).explanation);
    CPPUNIT_ASSERT_EQUAL(
        std::string(),
        c.check_mail_from(env("192.0.2.1", "a@nothing.example.com")).explanation);
  }

  void testLongExpansionLosesLabelsOnTheLeft() {
    StaticResolver dns;
    // RFC 7208 §7.3: more than 253 octets after expansion: drop labels on the left.
    std::string l(60, 'x');
    dns.add_txt("example.com", "v=spf1 -all exp=%{l}.%{l}.%{l}.%{l}.%{l}.example.com");
    dns.add_txt(l + "." + l + "." + l + ".example.com", "Truncated!");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(std::string("Truncated!"),
                         c.check_mail_from(env("192.0.2.1", l + "@example.com")).explanation);
  }

  void testElevenIncludesArePermError() {
    StaticResolver dns;
    // A chain of includes: libspf2 counts each record on its own (fault K); the
    // limit is for the whole check.
    for (int i = 0; i < 11; ++i)
      dns.add_txt("i" + std::to_string(i) + ".example.com",
                  "v=spf1 include:i" + std::to_string(i + 1) + ".example.com -all");
    dns.add_txt("i11.example.com", "v=spf1 +all");
    dns.add_txt("i1.example.org", "v=spf1 include:i2.example.com -all");
    Checker c(dns, kReceiver);
    Verdict v = c.check_mail_from(env("192.0.2.1", "a@i0.example.com"));
    CPPUNIT_ASSERT_EQUAL(word(Result::kPermError), word(v.result));
    CPPUNIT_ASSERT(v.problem.find("10 DNS") != std::string::npos);
    // Ten includes (i1.example.org → i2 … i11) are within the limit.
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass), word(check(c, "i1.example.org")));
  }

  void testTenDnsTermsAreAllowed() {
    StaticResolver dns;
    dns.add_txt("ten.example.com", "v=spf1 a a a a a a a a a a ip4:192.0.2.1 -all");
    dns.add_txt("eleven.example.com", "v=spf1 a a a a a a a a a a a ip4:192.0.2.1 -all");
    dns.add_address("ten.example.com", "198.51.100.1");
    dns.add_address("eleven.example.com", "198.51.100.1");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass), word(check(c, "ten.example.com")));
    CPPUNIT_ASSERT_EQUAL(word(Result::kPermError), word(check(c, "eleven.example.com")));
  }

  void testExplanationLookupsAreNotCounted() {
    StaticResolver dns;
    // Ten terms, then the explanation's %{p} asks PTR and A: still fail, not permerror.
    dns.add_txt("ten.example.com", "v=spf1 a a a a a a a a a a -all exp=why.example.com");
    dns.add_address("ten.example.com", "198.51.100.1");
    dns.add_txt("why.example.com", "%{p} may not send for %{d}");
    dns.add_ptr("1.2.0.192.in-addr.arpa", "host.example.net");
    dns.add_address("host.example.net", "192.0.2.1");
    Checker c(dns, kReceiver);
    Verdict v = c.check_mail_from(env("192.0.2.1", "a@ten.example.com"));
    CPPUNIT_ASSERT_EQUAL(word(Result::kFail), word(v.result));
    CPPUNIT_ASSERT_EQUAL(std::string("host.example.net may not send for ten.example.com"),
                         v.explanation);
  }

  void testThirdVoidLookupIsPermError() {
    StaticResolver dns;
    dns.add_txt("two.example.com", "v=spf1 a:n1.example.com a:n2.example.com ?all");
    dns.add_txt("three.example.com",
                "v=spf1 a:n1.example.com a:n2.example.com a:n3.example.com ?all");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kNeutral), word(check(c, "two.example.com")));
    Verdict v = c.check_mail_from(env("192.0.2.1", "a@three.example.com"));
    CPPUNIT_ASSERT_EQUAL(word(Result::kPermError), word(v.result));
    CPPUNIT_ASSERT(v.problem.find("void") != std::string::npos);
  }

  void testMxWithMoreThanTenNamesIsPermError() {
    StaticResolver dns;
    dns.add_txt("example.com", "v=spf1 mx -all");
    for (int i = 0; i < 11; ++i) {
      std::string mx = "mx" + std::to_string(i) + ".example.com";
      dns.add_mx("example.com", mx);
      dns.add_address(mx, "198.51.100." + std::to_string(i + 1));
    }
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kPermError), word(check(c, "example.com")));
  }

  void testPtrUsesFirstTenNames() {
    StaticResolver dns;
    dns.add_txt("example.com", "v=spf1 ptr ?all");
    for (int i = 0; i < 12; ++i) {
      std::string host = "h" + std::to_string(i) + ".example.com";
      dns.add_ptr("1.2.0.192.in-addr.arpa", host);
      dns.add_address(host, i == 1 ? "192.0.2.1" : "198.51.100.1");
    }
    Checker c(dns, kReceiver);
    // More than 10 names is not an error (libspf2 says permerror: fault K).
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass), word(check(c, "example.com")));
  }

  void testIpv6Client() {
    StaticResolver dns;
    dns.add_txt("example.com", "v=spf1 ip6:2001:db8::/32 a:host.example.com -all");
    dns.add_address("host.example.com", "2001:db8:ffff::1");
    dns.add_address("host.example.com", "192.0.2.1");
    dns.add_txt("v4.example.com", "v=spf1 a:host.example.com -all");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass), word(check(c, "example.com", "2001:db8::25")));
    CPPUNIT_ASSERT_EQUAL(word(Result::kFail), word(check(c, "example.com", "2001:db9::1")));
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass),
                         word(check(c, "v4.example.com", "2001:db8:ffff::1")));
    Verdict v = c.check_mail_from(env("2001:DB8::25", "a@example.com"));
    CPPUNIT_ASSERT(v.comment.find("2001:db8::25") != std::string::npos);
  }

  void testIpv4MappedClientIsCheckedAsIpv4() {
    StaticResolver dns;
    dns.add_txt("example.com", "v=spf1 ip4:192.0.2.1 -all");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass),
                         word(check(c, "example.com", "::ffff:192.0.2.1")));
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass),
                         word(check(c, "example.com", "IPv6:::FFFF:192.0.2.1")));
  }

  void testZeroCidrLengthMatchesAnyAddress() {
    StaticResolver dns;
    // libspf2 refuses "/0" (fault D).
    dns.add_txt("ip.example.com", "v=spf1 ip4:10.0.0.0/0 -all");
    dns.add_txt("a.example.com", "v=spf1 a:host.example.com/0 -all");
    dns.add_txt("mx.example.com", "v=spf1 mx//0 -all");
    dns.add_address("host.example.com", "10.9.9.9");
    dns.add_mx("mx.example.com", "host6.example.com");
    dns.add_address("host6.example.com", "2001:db8::1");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass), word(check(c, "ip.example.com")));
    CPPUNIT_ASSERT_EQUAL(word(Result::kFail), word(check(c, "ip.example.com", "2001:db8::1")));
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass), word(check(c, "a.example.com")));
    CPPUNIT_ASSERT_EQUAL(word(Result::kFail), word(check(c, "a.example.com", "2001:db8::9")));
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass), word(check(c, "mx.example.com", "2001:db9::7")));
    CPPUNIT_ASSERT_EQUAL(word(Result::kFail), word(check(c, "mx.example.com")));
  }

  void testDnsFailureOnRecordIsTempError() {
    StaticResolver dns;
    dns.fail("example.com", Status::kTempError, "SERVFAIL");
    Checker c(dns, kReceiver);
    Verdict v = c.check_mail_from(env("192.0.2.1", "a@example.com"));
    CPPUNIT_ASSERT_EQUAL(word(Result::kTempError), word(v.result));
    CPPUNIT_ASSERT(v.problem.find("SERVFAIL") != std::string::npos);
  }

  void testDnsFailureInMechanismIsTempErrorNeverFail() {
    StaticResolver dns;
    dns.add_txt("a.example.com", "v=spf1 a:down.example.net -all");
    dns.add_txt("mx.example.com", "v=spf1 mx:down.example.net -all");
    dns.add_txt("ex.example.com", "v=spf1 exists:down.example.net -all");
    dns.add_txt("mxa.example.com", "v=spf1 mx -all");
    dns.add_mx("mxa.example.com", "down.example.net");
    dns.fail("down.example.net", Status::kTempError);
    Checker c(dns, kReceiver);
    for (const char* d :
         {"a.example.com", "mx.example.com", "ex.example.com", "mxa.example.com"})
      CPPUNIT_ASSERT_EQUAL(word(Result::kTempError), word(check(c, d)));
  }

  void testDnsFailureInIncludeIsTempError() {
    StaticResolver dns;
    dns.add_txt("example.com", "v=spf1 include:down.example.net -all");
    dns.add_txt("redir.example.com", "v=spf1 redirect=down.example.net");
    dns.fail("down.example.net", Status::kTempError);
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kTempError), word(check(c, "example.com")));
    CPPUNIT_ASSERT_EQUAL(word(Result::kTempError), word(check(c, "redir.example.com")));
  }

  void testNullSenderIsPostmasterAtHelo() {
    StaticResolver dns;
    dns.add_txt("mail.example.com", "v=spf1 exists:%{l}.ok.example.com -all");
    dns.add_address("postmaster.ok.example.com", "127.0.0.2");
    Checker c(dns, kReceiver);
    Verdict v = c.check_mail_from(env("192.0.2.1", "", "mail.example.com"));
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass), word(v.result));
    CPPUNIT_ASSERT_EQUAL(std::string("postmaster@mail.example.com"), v.sender);
    CPPUNIT_ASSERT_EQUAL(std::string("mail.example.com"), v.domain);
    CPPUNIT_ASSERT(v.identity == Identity::kMailFrom);
  }

  void testSenderWithoutLocalPartIsPostmaster() {
    StaticResolver dns;
    dns.add_txt("example.com", "v=spf1 -all exp=why.example.com");
    dns.add_txt("why.example.com", "%{l}");
    Checker c(dns, kReceiver);
    Verdict v = c.check_mail_from(env("192.0.2.1", "@example.com"));
    CPPUNIT_ASSERT_EQUAL(std::string("postmaster"), v.explanation);
  }

  void testHeloIdentity() {
    StaticResolver dns;
    dns.add_txt("mail.example.com", "v=spf1 a -all");
    dns.add_address("mail.example.com", "192.0.2.1");
    Checker c(dns, kReceiver);
    Verdict v = c.check_helo(env("192.0.2.1", "someone@else.example", "mail.example.com"));
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass), word(v.result));
    CPPUNIT_ASSERT(v.identity == Identity::kHelo);
    CPPUNIT_ASSERT_EQUAL(std::string("mail.example.com"), v.domain);
    CPPUNIT_ASSERT_EQUAL(std::string("postmaster@mail.example.com"), v.sender);
    CPPUNIT_ASSERT_EQUAL(word(Result::kFail),
                         word(c.check_helo(env("192.0.2.2", "", "mail.example.com")).result));
  }

  void testHeloThatIsNotADomainIsNone() {
    StaticResolver dns;
    Checker c(dns, kReceiver);
    for (const char* helo : {"[192.0.2.1]", "localhost", "", "a..example.com"})
      CPPUNIT_ASSERT_EQUAL(word(Result::kNone),
                           word(c.check_helo(env("192.0.2.1", "", helo)).result));
    CPPUNIT_ASSERT_EQUAL(size_t(0), dns.query_count());
  }

  void testMalformedDomainIsNone() {
    StaticResolver dns;
    Checker c(dns, kReceiver);
    std::string label64(64, 'a');
    CPPUNIT_ASSERT_EQUAL(word(Result::kNone), word(check(c, label64 + ".example.com")));
    CPPUNIT_ASSERT_EQUAL(word(Result::kNone), word(check(c, "a...example.com")));
    CPPUNIT_ASSERT_EQUAL(word(Result::kNone), word(check(c, "[192.0.2.1]")));
    CPPUNIT_ASSERT_EQUAL(size_t(0), dns.query_count());
  }

  void testLoopbackClientGetsNoFreePass() {
    StaticResolver dns;
    dns.add_txt("example.com", "v=spf1 -all");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kFail), word(check(c, "example.com", "127.0.0.1")));
    CPPUNIT_ASSERT_EQUAL(word(Result::kFail), word(check(c, "example.com", "::1")));
  }

  void testSyntaxErrorsArePermError() {
    StaticResolver dns;
    const char* bad[] = {
        "v=spf1 ip4:192.0.2.1/032 -all",                    // leading zero (fault J)
        "v=spf1 redirect:example.net",                      // redirect is a modifier (fault J)
        "v=spf1 exp=a.example.com exp=b.example.com -all",  // twice (fault H)
        "v=spf1 redirect=a.example.com redirect=b.example.com",
        "v=spf1 a:foo.123 -all",                 // numeric toplabel (fault F)
        "v=spf1 a:example.com:8080 -all",        // port (fault F)
        "v=spf1 include: -all",                  // empty domain-spec
        "v=spf1 exists:%(ir).example.com -all",  // bad macro (fault G)
        "v=spf1 exp=%{r}.example.com -all",      // r only in explanations
        "v=spf1 a/33 -all",
        "v=spf1 ip6:2001:db8::/129 -all",
        "v=spf1 -all:foo",
        "v=spf1 1up=foo",
        "v=spf1 foo=%x",
    };
    Checker c(dns, kReceiver);
    int i = 0;
    for (const char* r : bad) {
      std::string d = "bad" + std::to_string(i++) + ".example.com";
      dns.add_txt(d, r);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r, word(Result::kPermError), word(check(c, d)));
    }
    // A syntax error anywhere counts, even after the term that matched.
    dns.add_txt("late.example.com", "v=spf1 ip4:192.0.2.1 -all moo");
    CPPUNIT_ASSERT_EQUAL(word(Result::kPermError), word(check(c, "late.example.com")));
  }

  void testNonAsciiRecordIsPermError() {
    StaticResolver dns;
    dns.add_txt("utf8.example.com", "v=spf1 a:\xc3\xa9.example.com -all");
    dns.add_txt("nul.example.com", std::string("v=spf1 ip4:192.0.2.1\0 -all", 26));
    dns.add_txt("ctl.example.com", "v=spf1 a\r -all");
    Checker c(dns, kReceiver);
    for (const char* d : {"utf8.example.com", "nul.example.com", "ctl.example.com"})
      CPPUNIT_ASSERT_EQUAL_MESSAGE(d, word(Result::kPermError), word(check(c, d)));
  }

  void testUnknownModifiersAreIgnored() {
    StaticResolver dns;
    // A dot in a modifier name is valid (libspf2 refuses it: fault E).
    dns.add_txt("example.com", "v=spf1 moo.cow-far_out=man:dog/cat ip4:192.0.2.1 -all");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kPass), word(check(c, "example.com")));
  }

  void testInvalidClientAddressIsNone() {
    StaticResolver dns;
    dns.add_txt("example.com", "v=spf1 -all");
    Checker c(dns, kReceiver);
    CPPUNIT_ASSERT_EQUAL(word(Result::kNone), word(check(c, "example.com", "unknown")));
  }

  void testReceivedSpfIsExactlyRfc7208Form() {
    StaticResolver dns;
    dns.add_txt("example.com", "v=spf1 ip4:192.0.2.1 -all");
    Checker c(dns, kReceiver);
    Envelope e = env("192.0.2.1", "user@example.com", "mail.example.com");
    Verdict v = c.check_mail_from(e);
    CPPUNIT_ASSERT_EQUAL(
        std::string("pass (mx.example.net: domain of user@example.com designates 192.0.2.1 "
                    "as permitted sender) client-ip=192.0.2.1; "
                    "envelope-from=\"user@example.com\"; helo=mail.example.com; "
                    "receiver=mx.example.net; identity=mailfrom;"),
        postseal::spf::received_spf(v, e, kReceiver));
    e.client_ip = "192.0.2.2";
    v = c.check_mail_from(e);
    CPPUNIT_ASSERT_EQUAL(
        std::string("fail (mx.example.net: domain of user@example.com does not designate "
                    "192.0.2.2 as permitted sender) client-ip=192.0.2.2; "
                    "envelope-from=\"user@example.com\"; helo=mail.example.com; "
                    "receiver=mx.example.net; identity=mailfrom;"),
        postseal::spf::received_spf(v, e, kReceiver));
  }

  void testReceivedSpfQuotesAndAddsProblem() {
    StaticResolver dns;
    dns.add_txt("example.com", "v=spf1 a:foo.123 -all");
    Checker c(dns, kReceiver);
    Envelope e = env("2001:db8::1", "we\"ird@example.com", "[192.0.2.1]");
    Verdict v = c.check_mail_from(e);
    CPPUNIT_ASSERT_EQUAL(word(Result::kPermError), word(v.result));
    std::string h = postseal::spf::received_spf(v, e, kReceiver);
    CPPUNIT_ASSERT_EQUAL(std::string("permerror (mx.example.net: permanent error in the SPF "
                                     "record of example.com) client-ip=\"2001:db8::1\"; "
                                     "envelope-from=\"we\\\"ird@example.com\"; "
                                     "helo=\"[192.0.2.1]\"; problem=\"SPF record of "
                                     "example.com: invalid term \\\"a:foo.123\\\": invalid "
                                     "domain-spec\"; receiver=mx.example.net; "
                                     "identity=mailfrom;"),
                         h);
    CPPUNIT_ASSERT(h.find('\n') == std::string::npos);
  }

  void testReceivedSpfForHeloIdentity() {
    StaticResolver dns;
    dns.add_txt("mail.example.com", "v=spf1 ?all");
    Checker c(dns, kReceiver);
    Envelope e = env("192.0.2.1", "", "mail.example.com");
    Verdict v = c.check_helo(e);
    CPPUNIT_ASSERT_EQUAL(
        std::string("neutral (mx.example.net: 192.0.2.1 is neither permitted nor denied by "
                    "domain of postmaster@mail.example.com) client-ip=192.0.2.1; "
                    "envelope-from=\"postmaster@mail.example.com\"; helo=mail.example.com; "
                    "receiver=mx.example.net; identity=helo;"),
        postseal::spf::received_spf(v, e, kReceiver));
  }

  void testConcurrentChecksKeepTheirOwnCounts() {
    StaticResolver dns;
    // Each check makes 10 DNS-querying terms: shared counters would exceed the limit.
    dns.add_txt("ten.example.com", "v=spf1 a a a a a a a a a a ip4:192.0.2.1 -all");
    dns.add_address("ten.example.com", "198.51.100.1");
    Checker c(dns, kReceiver);
    std::atomic<int> passes{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&] {
        for (int i = 0; i < 25; ++i)
          if (check(c, "ten.example.com") == Result::kPass) ++passes;
      });
    for (auto& t : threads) t.join();
    CPPUNIT_ASSERT_EQUAL(200, passes.load());
  }

 private:
  static Result check(Checker& c, const std::string& domain,
                      const std::string& ip = "192.0.2.1") {
    return c.check_mail_from(env(ip, "alice@" + domain)).result;
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SpfTest);
