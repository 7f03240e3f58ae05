/// \file
/// The header hash input (RFC 6376 §3.7, §5.4.2) shared by the signer and verifier.
#include "dkim/header_hash.h"

#include <cppunit/extensions/HelperMacros.h>

using postseal::dkim::Canon;
using postseal::dkim::header_hash_input;
using postseal::mail::HeaderField;

class HeaderHashTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HeaderHashTest);
  CPPUNIT_TEST(testInstancesAreTakenFromTheBottomUp);
  CPPUNIT_TEST(testOversignedNamesAddNothing);
  CPPUNIT_TEST(testSignatureFieldComesLastWithoutItsCrlf);
  CPPUNIT_TEST(testSelfIsNeverASignedInstance);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testInstancesAreTakenFromTheBottomUp() {
    std::vector<HeaderField> f = {
        {"Received: one\r\n"}, {"From: a@example.com\r\n"}, {"Received: two\r\n"}};
    CPPUNIT_ASSERT_EQUAL(
        std::string("Received: two\r\nReceived: one\r\nX: y"),
        header_hash_input(f, {"received", "Received"}, Canon::kSimple, "X: y"));
  }
  void testOversignedNamesAddNothing() {
    std::vector<HeaderField> f = {{"From: a@example.com\r\n"}};
    CPPUNIT_ASSERT_EQUAL(
        std::string("from:a@example.com\r\nx:y"),
        header_hash_input(f, {"from", "from", "subject"}, Canon::kRelaxed, "X:  y\r\n"));
  }
  void testSignatureFieldComesLastWithoutItsCrlf() {
    // §3.7: canonicalized like any field, then hashed without the final CRLF, whether
    // or not the field arrived with a line ending.
    std::vector<HeaderField> none;
    CPPUNIT_ASSERT_EQUAL(
        std::string("dkim-signature:v=1; b="),
        header_hash_input(none, {}, Canon::kRelaxed, "DKIM-Signature: v=1; b="));
    CPPUNIT_ASSERT_EQUAL(
        std::string("dkim-signature:v=1; b="),
        header_hash_input(none, {}, Canon::kRelaxed, "DKIM-Signature: v=1;\r\n b=\r\n"));
  }
  void testSelfIsNeverASignedInstance() {
    // §5.4: an oversigned DKIM-Signature did not exist when it was signed.
    std::vector<HeaderField> f = {{"DKIM-Signature: v=1; b=abc\r\n"},
                                  {"From: a@example.com\r\n"}};
    CPPUNIT_ASSERT_EQUAL(std::string("From: a@example.com\r\nDKIM-Signature: v=1; b="),
                         header_hash_input(f, {"from", "dkim-signature"}, Canon::kSimple,
                                           "DKIM-Signature: v=1; b=\r\n", &f[0]));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HeaderHashTest);
