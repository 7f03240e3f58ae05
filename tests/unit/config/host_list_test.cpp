/// \file
/// InternalHosts-style lists: CIDR for IPv4 and IPv6, names, negation, bad input.
#include "config/host_list.h"

#include <cppunit/extensions/HelperMacros.h>

using postseal::config::HostList;

class HostListTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HostListTest);
  CPPUNIT_TEST(testIpv4NetworkMatchesInsideOnly);
  CPPUNIT_TEST(testIpv6NetworkAndMappedIpv4);
  CPPUNIT_TEST(testNegatedEntryWinsWhenFirst);
  CPPUNIT_TEST(testHostNamesAndSubdomainPatterns);
  CPPUNIT_TEST(testFileTextWithCommentsAndErrorsWithLine);
  CPPUNIT_TEST(testBadEntriesAreErrors);
  CPPUNIT_TEST(testOptionValueKeepsIpv6Whole);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testIpv4NetworkMatchesInsideOnly() {
    auto l = HostList::parse({"192.0.2.0/24", "127.0.0.1"});
    CPPUNIT_ASSERT(l.ok());
    CPPUNIT_ASSERT(l->matches("192.0.2.77"));
    CPPUNIT_ASSERT(!l->matches("192.0.3.1"));
    CPPUNIT_ASSERT(l->matches("127.0.0.1"));
    CPPUNIT_ASSERT(!l->matches("127.0.0.2"));
    CPPUNIT_ASSERT(!l->matches("not an address"));
  }
  void testIpv6NetworkAndMappedIpv4() {
    auto l = HostList::parse({"2001:db8::/32", "10.0.0.0/8"});
    CPPUNIT_ASSERT(l.ok());
    CPPUNIT_ASSERT(l->matches("2001:db8:1::5"));
    CPPUNIT_ASSERT(!l->matches("2001:db9::5"));
    CPPUNIT_ASSERT(l->matches("::ffff:10.1.2.3"));
    CPPUNIT_ASSERT(l->matches("ipv6:2001:db8::1"));
  }
  void testOptionValueKeepsIpv6Whole() {
    // An option value is split at commas and blanks only: ':' belongs to IPv6.
    auto l = HostList::from_value("192.0.2.0/24, 2001:db8::/32 !2001:db8:bad::/48");
    CPPUNIT_ASSERT_MESSAGE(l.message(), l.ok());
    CPPUNIT_ASSERT(l->matches("2001:db8:1::5"));
    CPPUNIT_ASSERT(l->matches("192.0.2.1"));
    CPPUNIT_ASSERT(!l->matches("2001:db9::5"));
    CPPUNIT_ASSERT(!HostList::from_value("2001:db8::/129").ok());
  }
  void testNegatedEntryWinsWhenFirst() {
    auto l = HostList::parse({"!192.0.2.9", "192.0.2.0/24"});
    CPPUNIT_ASSERT(l.ok());
    CPPUNIT_ASSERT(!l->matches("192.0.2.9"));
    CPPUNIT_ASSERT(l->matches("192.0.2.8"));
  }
  void testHostNamesAndSubdomainPatterns() {
    auto l = HostList::parse({"mail.example.com", ".corp.example"});
    CPPUNIT_ASSERT(l.ok());
    CPPUNIT_ASSERT(l->matches("198.51.100.1", "MAIL.example.com"));
    CPPUNIT_ASSERT(l->matches("198.51.100.1", "a.b.corp.example"));
    CPPUNIT_ASSERT(!l->matches("198.51.100.1", "corp.example"));
    CPPUNIT_ASSERT(!l->matches("198.51.100.1"));
  }
  void testFileTextWithCommentsAndErrorsWithLine() {
    auto l = HostList::parse_text("# internal\n127.0.0.1\n\n10.0.0.0/8 # lab\n", "hosts");
    CPPUNIT_ASSERT(l.ok());
    CPPUNIT_ASSERT(l->matches("10.9.9.9"));
    auto bad = HostList::parse_text("127.0.0.1\n10.0.0.0/99\n", "hosts");
    CPPUNIT_ASSERT(!bad.ok());
    CPPUNIT_ASSERT(bad.message().find("hosts:2:") == 0);
  }
  void testBadEntriesAreErrors() {
    CPPUNIT_ASSERT(!HostList::parse({"10.0.0.0/33"}).ok());
    CPPUNIT_ASSERT(!HostList::parse({"10.0.0.0/x"}).ok());
    CPPUNIT_ASSERT(!HostList::parse({"bad host!"}).ok());
    CPPUNIT_ASSERT(!HostList::parse({"name/24"}).ok());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HostListTest);
