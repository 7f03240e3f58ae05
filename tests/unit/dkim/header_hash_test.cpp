/// \file
/// The header hash input (RFC 6376 §3.7, §5.4.2) shared by the signer and verifier.
#include "dkim/header_hash.h"

#include <cppunit/extensions/HelperMacros.h>

using postseal::dkim::Canon;
using postseal::dkim::header_hash_input;
using postseal::dkim::takes_field;
using postseal::mail::HeaderField;

class HeaderHashTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HeaderHashTest);
  CPPUNIT_TEST(testInstancesAreTakenFromTheBottomUp);
  CPPUNIT_TEST(testOversignedNamesAddNothing);
  CPPUNIT_TEST(testSignatureFieldComesLastWithoutItsCrlf);
  CPPUNIT_TEST(testOwnFieldIsTakenLikeAnyOther);
  CPPUNIT_TEST(testTakesFieldCountsFromTheBottom);
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
  void testOwnFieldIsTakenLikeAnyOther() {
    // As dkimpy, Mail::DKIM and OpenDKIM hash it: the field as it stands, b= included.
    std::vector<HeaderField> f = {{"DKIM-Signature: v=1; b=abc\r\n"},
                                  {"From: a@example.com\r\n"}};
    CPPUNIT_ASSERT_EQUAL(
        std::string(
            "From: a@example.com\r\nDKIM-Signature: v=1; b=abc\r\nDKIM-Signature: v=1; b="),
        header_hash_input(f, {"from", "dkim-signature"}, Canon::kSimple,
                          "DKIM-Signature: v=1; b=\r\n"));
  }
  void testTakesFieldCountsFromTheBottom() {
    // RFC 6376 §3.5/§5.4.2: a forwarder's signature (f[0]) above the author's (f[1]).
    std::vector<HeaderField> f = {{"DKIM-Signature: d=fwd.example; b=1\r\n"},
                                  {"DKIM-Signature: d=author.example; b=2\r\n"},
                                  {"From: a@example.com\r\n"}};
    CPPUNIT_ASSERT(!takes_field(f, {"from", "dkim-signature"}, f[0]));
    CPPUNIT_ASSERT(takes_field(f, {"from", "dkim-signature"}, f[1]));
    CPPUNIT_ASSERT(takes_field(f, {"from", "DKIM-Signature", "dkim-signature"}, f[0]));
    CPPUNIT_ASSERT(!takes_field(f, {"from", "from"}, f[0]));
    CPPUNIT_ASSERT(takes_field(f, {"from"}, f[2]));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HeaderHashTest);
