/// \file
/// SPF lookup counting for check-dns (spf/lookup_count.h): the 10 DNS-mechanism and 2
/// void-lookup limits of RFC 7208 §4.6.4 summed across include: and redirect=, with the
/// path to each counted term.
#include "spf/lookup_count.h"

#include <cppunit/extensions/HelperMacros.h>

#include "dns/static_resolver.h"

using postseal::dns::StaticResolver;
using postseal::spf::count_lookups;

class LookupCountTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LookupCountTest);
  CPPUNIT_TEST(testSimpleRecordCountsItsTerms);
  CPPUNIT_TEST(testIncludesAreSummedWithTheirPath);
  CPPUNIT_TEST(testEleventhLookupIsNamed);
  CPPUNIT_TEST(testVoidLookupsAreCounted);
  CPPUNIT_TEST(testIncludeWithoutRecordIsAProblem);
  CPPUNIT_TEST(testIncludeLoopIsVisitedOnce);
  CPPUNIT_TEST(testDnsFailureIsReported);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testSimpleRecordCountsItsTerms() {
    StaticResolver r;
    r.add_txt("example.com", "v=spf1 ip4:192.0.2.0/24 a mx -all");
    r.add_address("example.com", "192.0.2.1");
    r.add_mx("example.com", "mx.example.com");
    auto c = count_lookups(r, "Example.com.");
    CPPUNIT_ASSERT_EQUAL(2, c.dns_mechanisms);
    CPPUNIT_ASSERT_EQUAL(0, c.void_lookups);
    CPPUNIT_ASSERT_EQUAL(std::string("1 example.com: a"), c.trace[0]);
    CPPUNIT_ASSERT(c.first_over.empty());
  }
  void testIncludesAreSummedWithTheirPath() {
    StaticResolver r;
    r.add_txt("example.com", "v=spf1 include:a.test ~all");
    r.add_txt("a.test", "v=spf1 include:b.test ptr -all");
    r.add_txt("b.test", "v=spf1 exists:%{i}.b.test -all");
    auto c = count_lookups(r, "example.com");
    CPPUNIT_ASSERT_EQUAL(4, c.dns_mechanisms);
    CPPUNIT_ASSERT_EQUAL(std::string("3 example.com > include:a.test > include:b.test: "
                                     "exists:%{i}.b.test"),
                         c.trace[2]);
  }
  void testEleventhLookupIsNamed() {
    StaticResolver r;
    std::string rec = "v=spf1";
    for (int i = 0; i < 6; ++i) rec += " a:h" + std::to_string(i) + ".example.com";
    rec += " include:more.test -all";
    r.add_txt("example.com", rec);
    for (int i = 0; i < 6; ++i)
      r.add_address("h" + std::to_string(i) + ".example.com", "192.0.2.1");
    r.add_txt("more.test", "v=spf1 mx mx mx mx -all");
    r.add_mx("more.test", "mx.more.test");
    auto c = count_lookups(r, "example.com");
    CPPUNIT_ASSERT_EQUAL(11, c.dns_mechanisms);
    CPPUNIT_ASSERT_EQUAL(std::string("11 example.com > include:more.test: mx"), c.first_over);
  }
  void testVoidLookupsAreCounted() {
    StaticResolver r;
    r.add_txt("example.com",
              "v=spf1 a:gone1.example.com mx:gone2.example.com exists:x.example.com -all");
    auto c = count_lookups(r, "example.com");
    CPPUNIT_ASSERT_EQUAL(3, c.void_lookups);
    CPPUNIT_ASSERT_EQUAL(
        std::string("example.com: a:gone1.example.com: gone1.example.com has no A records"),
        c.voids[0]);
  }
  void testIncludeWithoutRecordIsAProblem() {
    StaticResolver r;
    r.add_txt("example.com", "v=spf1 include:nospf.test -all");
    r.add_txt("nospf.test", "hello");
    auto c = count_lookups(r, "example.com");
    CPPUNIT_ASSERT_EQUAL(size_t{1}, c.problems.size());
    CPPUNIT_ASSERT(c.problems[0].find("nospf.test has 0 SPF records") != std::string::npos);
  }
  void testIncludeLoopIsVisitedOnce() {
    StaticResolver r;
    r.add_txt("example.com", "v=spf1 include:a.test -all");
    r.add_txt("a.test", "v=spf1 include:example.com -all");
    auto c = count_lookups(r, "example.com");
    CPPUNIT_ASSERT_EQUAL(2, c.dns_mechanisms);
  }
  void testDnsFailureIsReported() {
    StaticResolver r;
    r.add_txt("example.com", "v=spf1 include:a.test -all");
    r.fail("a.test", postseal::dns::Status::kTempError, "SERVFAIL");
    auto c = count_lookups(r, "example.com");
    CPPUNIT_ASSERT(c.temperror);
    CPPUNIT_ASSERT(c.problems[0].find("SERVFAIL") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LookupCountTest);
