/// \file
/// Author address extraction from From values.
#include "mail/address.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace postseal::mail;

class AddressTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AddressTest);
  CPPUNIT_TEST(testPlainAddress);
  CPPUNIT_TEST(testDisplayNameWithQuotesCommasAndComments);
  CPPUNIT_TEST(testSeveralAddressesAreRefused);
  CPPUNIT_TEST(testEmptyGroupHasNoAddress);
  CPPUNIT_TEST(testAddressWithoutDomainIsRefused);
  CPPUNIT_TEST(testUnbalancedSyntaxIsAnError);
  CPPUNIT_TEST(testDomainIsLowercasedWithoutTrailingDot);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testPlainAddress() {
    CPPUNIT_ASSERT_EQUAL(std::string("joe@example.com"), *single_author(" joe@example.com"));
  }
  void testDisplayNameWithQuotesCommasAndComments() {
    auto a = single_author(" \"Doe, Jane (sales)\" (comment, here) <jane@Example.COM>");
    CPPUNIT_ASSERT_MESSAGE(a.message(), a.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("jane@Example.COM"), *a);
  }
  void testSeveralAddressesAreRefused() {
    auto a = single_author("a@x.example, b@y.example");
    CPPUNIT_ASSERT(!a.ok());
    CPPUNIT_ASSERT(a.message().find("more than one") != std::string::npos);
  }
  void testEmptyGroupHasNoAddress() {
    CPPUNIT_ASSERT(!single_author("undisclosed-recipients:;").ok());
  }
  void testAddressWithoutDomainIsRefused() {
    CPPUNIT_ASSERT(!single_author("<joe>").ok());
    CPPUNIT_ASSERT(!single_author("joe@").ok());
  }
  void testUnbalancedSyntaxIsAnError() {
    CPPUNIT_ASSERT(!parse_address_list("\"open <a@b>").ok());
    CPPUNIT_ASSERT(!parse_address_list("x <a@b").ok());
    CPPUNIT_ASSERT(!parse_address_list("(comment a@b").ok());
  }
  void testDomainIsLowercasedWithoutTrailingDot() {
    CPPUNIT_ASSERT_EQUAL(std::string("example.com"), domain_of("Joe@Example.COM."));
    CPPUNIT_ASSERT_EQUAL(std::string(""), domain_of("nodomain"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AddressTest);
