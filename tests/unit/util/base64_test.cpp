/// \file
/// Base64 round trips, RFC 4648 §10 vectors, whitespace and bad input.
#include "util/base64.h"

#include <cppunit/extensions/HelperMacros.h>

using postseal::base64_decode;
using postseal::base64_encode;

class Base64Test : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(Base64Test);
  CPPUNIT_TEST(testRfc4648Vectors);
  CPPUNIT_TEST(testDecodeSkipsFoldingWhitespace);
  CPPUNIT_TEST(testDecodeRejectsBadInput);
  CPPUNIT_TEST(testRoundTripOfAllByteValues);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testRfc4648Vectors() {
    const char* in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char* out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (int i = 0; i < 7; ++i) {
      CPPUNIT_ASSERT_EQUAL(std::string(out[i]), base64_encode(in[i]));
      CPPUNIT_ASSERT_EQUAL(std::string(in[i]), *base64_decode(out[i]));
    }
  }
  void testDecodeSkipsFoldingWhitespace() {
    CPPUNIT_ASSERT_EQUAL(std::string("foobar"), *base64_decode("Zm9v\r\n\t YmFy"));
  }
  void testDecodeRejectsBadInput() {
    for (const char* bad : {"Zm9v!", "Z", "Zg=a", "=Zg", "Zg==="})
      CPPUNIT_ASSERT_MESSAGE(bad, !base64_decode(bad).ok());
  }
  void testRoundTripOfAllByteValues() {
    std::string all;
    for (int i = 0; i < 256; ++i) all += char(i);
    CPPUNIT_ASSERT_EQUAL(all, *base64_decode(base64_encode(all)));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(Base64Test);
