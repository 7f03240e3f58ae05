/// \file
/// The DNS layer's pure parts: the --dns value parser and the in-memory resolver that
/// other unit tests rely on to fake DNS (statuses, CNAMEs, failures, query log).
#include <cppunit/extensions/HelperMacros.h>

#include "dns/limited_resolver.h"
#include "dns/static_resolver.h"
#include "dns/unbound_resolver.h"

using namespace postseal::dns;

class ResolverTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ResolverTest);
  CPPUNIT_TEST(testUpstreamForms);
  CPPUNIT_TEST(testUpstreamRejectsNamesAndBadPorts);
  CPPUNIT_TEST(testStaticResolverKeepsStatusesApart);
  CPPUNIT_TEST(testStaticResolverFollowsCnames);
  CPPUNIT_TEST(testStaticResolverSimulatesFailures);
  CPPUNIT_TEST(testStaticResolverLogsQueries);
  CPPUNIT_TEST(testUnboundRejectsInvalidNamesWithoutAsking);
  CPPUNIT_TEST(testLimitedResolverStopsAtTheLookupLimit);
  CPPUNIT_TEST(testLimitedResolverStopsAtTheDeadline);
  CPPUNIT_TEST(testLimitedResolverWithoutLimitsPassesEverything);
  CPPUNIT_TEST_SUITE_END();

 public:
  // dns-lookup-limit: the lookup that would pass the budget is not sent and answers
  // temperror naming the option; earlier answers are untouched.
  void testLimitedResolverStopsAtTheLookupLimit() {
    StaticResolver inner;
    inner.add_txt("a.example", "x");
    LimitedResolver r(inner, LimitedResolver::Limits{3, std::chrono::milliseconds(0)});
    for (int i = 0; i < 3; ++i)
      CPPUNIT_ASSERT(r.query("a.example", Type::kTxt).status == Status::kOk);
    Answer a = r.query("a.example", Type::kTxt);
    CPPUNIT_ASSERT(a.status == Status::kTempError);
    CPPUNIT_ASSERT_EQUAL(std::string("dns-lookup-limit reached"), a.reason);
    CPPUNIT_ASSERT(r.query("b.example", Type::kA).status == Status::kTempError);
    CPPUNIT_ASSERT_EQUAL(size_t(3), inner.query_count());
    CPPUNIT_ASSERT_EQUAL(size_t(3), r.queries());
    CPPUNIT_ASSERT_EQUAL(size_t(2), r.refused());
  }
  // message-time-limit: counted from the first lookup on the given clock; a lookup asked
  // at or after the deadline is not sent.
  void testLimitedResolverStopsAtTheDeadline() {
    StaticResolver inner;
    inner.add_txt("a.example", "x");
    auto t = LimitedResolver::Clock::time_point{} + std::chrono::hours(1);
    LimitedResolver r(inner, LimitedResolver::Limits{0, std::chrono::seconds(20)},
                      [&t] { return t; });
    t += std::chrono::seconds(100);  // reading the message does not count
    CPPUNIT_ASSERT(r.query("a.example", Type::kTxt).status == Status::kOk);
    t += std::chrono::seconds(19);
    CPPUNIT_ASSERT(r.query("a.example", Type::kTxt).status == Status::kOk);
    t += std::chrono::seconds(1);
    Answer a = r.query("a.example", Type::kTxt);
    CPPUNIT_ASSERT(a.status == Status::kTempError);
    CPPUNIT_ASSERT_EQUAL(std::string("message-time-limit reached"), a.reason);
    CPPUNIT_ASSERT_EQUAL(size_t(2), inner.query_count());
  }
  void testLimitedResolverWithoutLimitsPassesEverything() {
    StaticResolver inner;
    inner.fail("a.example", Status::kNxDomain);
    LimitedResolver r(inner, LimitedResolver::Limits{});
    for (int i = 0; i < 500; ++i)
      CPPUNIT_ASSERT(r.query("a.example", Type::kTxt).status == Status::kNxDomain);
    CPPUNIT_ASSERT_EQUAL(size_t(500), inner.query_count());
    CPPUNIT_ASSERT_EQUAL(size_t(0), r.refused());
  }
  void testUpstreamForms() {
    CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), *upstream_to_unbound("127.0.0.1"));
    CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1@5353"), *upstream_to_unbound("127.0.0.1:5353"));
    CPPUNIT_ASSERT_EQUAL(std::string("::1"), *upstream_to_unbound("::1"));
    CPPUNIT_ASSERT_EQUAL(std::string("::1@53"), *upstream_to_unbound("[::1]:53"));
    CPPUNIT_ASSERT_EQUAL(std::string("2001:db8::1"), *upstream_to_unbound("[2001:db8::1]"));
  }
  void testUpstreamRejectsNamesAndBadPorts() {
    for (const char* bad :
         {"", "dns.example", "dns.example:53", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
          "127.0.0.1:5x", "[::1", "[::1]53", "[1.2.3.4]:53"})
      CPPUNIT_ASSERT_MESSAGE(bad, !upstream_to_unbound(bad).ok());
  }
  void testStaticResolverKeepsStatusesApart() {
    StaticResolver r;
    r.add_txt("Sel._domainkey.Example.COM.", "v=DKIM1; p=abc");
    r.add_address("mail.example.com", "192.0.2.1");
    r.add_address("mail.example.com", "2001:db8::25");
    Answer a = r.query("sel._domainkey.example.com", Type::kTxt);
    CPPUNIT_ASSERT(a.status == Status::kOk);
    CPPUNIT_ASSERT_EQUAL(std::string("v=DKIM1; p=abc"), a.records.at(0));
    CPPUNIT_ASSERT(r.query("sel._domainkey.example.com", Type::kMx).status == Status::kNoData);
    CPPUNIT_ASSERT(r.query("other.example.com", Type::kTxt).status == Status::kNxDomain);
    Answer v4 = r.query("mail.example.com", Type::kA);
    CPPUNIT_ASSERT_EQUAL(std::string("\xc0\x00\x02\x01", 4), v4.records.at(0));
    CPPUNIT_ASSERT_EQUAL(size_t(16),
                         r.query("mail.example.com", Type::kAaaa).records.at(0).size());
  }
  void testStaticResolverFollowsCnames() {
    StaticResolver r;
    r.add_cname("s1._domainkey.example.com", "s1.dkim.provider.test");
    r.add_txt("s1.dkim.provider.test", "v=DKIM1; p=xyz");
    Answer a = r.query("s1._domainkey.example.com", Type::kTxt);
    CPPUNIT_ASSERT(a.status == Status::kOk);
    CPPUNIT_ASSERT_EQUAL(std::string("v=DKIM1; p=xyz"), a.records.at(0));
    r.add_cname("loop1.test", "loop2.test");
    r.add_cname("loop2.test", "loop1.test");
    CPPUNIT_ASSERT(r.query("loop1.test", Type::kTxt).status == Status::kTempError);
  }
  void testStaticResolverSimulatesFailures() {
    StaticResolver r;
    r.add_txt("example.com", "v=spf1 -all");
    r.fail("example.com", Status::kTempError, "timeout");
    Answer a = r.query("example.com", Type::kTxt);
    CPPUNIT_ASSERT(a.status == Status::kTempError);
    CPPUNIT_ASSERT_EQUAL(std::string("timeout"), a.reason);
  }
  void testStaticResolverLogsQueries() {
    StaticResolver r;
    (void)r.query("a.test", Type::kTxt);
    (void)r.query("B.test.", Type::kMx);
    CPPUNIT_ASSERT_EQUAL(size_t(2), r.query_count());
    CPPUNIT_ASSERT_EQUAL(std::string("b.test MX"), r.log().at(1));
  }
  void testUnboundRejectsInvalidNamesWithoutAsking() {
    // A port nobody listens on: a question that reached the network would time out
    // (temperror); invalid names must be refused before that (permerror).
    UnboundOptions o;
    o.upstream = "127.0.0.1:9";
    o.timeout_ms = 200;
    auto r = UnboundResolver::create(o);
    CPPUNIT_ASSERT(r.ok());
    std::string long_label(64, 'a');
    for (std::string bad : {std::string(""), std::string("a..b"), long_label + ".test",
                            std::string("nul\0byte.test", 13), std::string(".")})
      CPPUNIT_ASSERT_MESSAGE(bad,
                             r.value()->query(bad, Type::kTxt).status == Status::kPermError);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ResolverTest);
