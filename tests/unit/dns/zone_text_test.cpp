/// \file
/// Zone-file TXT text and answer sizes (dns/zone_text.h): string splitting at the chunk
/// size, escaping, and the byte count that decides whether a record fits plain UDP.
#include "dns/zone_text.h"

#include <cppunit/extensions/HelperMacros.h>

using postseal::dns::txt_answer_size;
using postseal::dns::zone_file_txt;

class ZoneTextTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ZoneTextTest);
  CPPUNIT_TEST(testShortTextIsOneString);
  CPPUNIT_TEST(testLongTextIsCutIntoChunks);
  CPPUNIT_TEST(testQuotesAndBackslashesAreEscaped);
  CPPUNIT_TEST(testEmptyTextIsOneEmptyString);
  CPPUNIT_TEST(testAnswerSizeCountsHeaderQuestionAndStrings);
  CPPUNIT_TEST(testA4096BitKeyRecordDoesNotFitPlainUdp);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testShortTextIsOneString() {
    CPPUNIT_ASSERT_EQUAL(std::string("( \"v=DKIM1; p=abc\" )"),
                         zone_file_txt("v=DKIM1; p=abc"));
  }
  void testLongTextIsCutIntoChunks() {
    std::string text(600, 'a');
    std::string z = zone_file_txt(text, 250);
    CPPUNIT_ASSERT_EQUAL(
        std::string("( \"" + std::string(250, 'a') + "\"\n\t\t\"" + std::string(250, 'a') +
                    "\"\n\t\t\"" + std::string(100, 'a') + "\" )"),
        z);
    // A chunk larger than a character-string is clamped to 255.
    CPPUNIT_ASSERT(zone_file_txt(text, 1000).find(std::string(256, 'a')) == std::string::npos);
  }
  void testQuotesAndBackslashesAreEscaped() {
    CPPUNIT_ASSERT_EQUAL(std::string("( \"a\\\"b\\\\c\" )"), zone_file_txt("a\"b\\c"));
  }
  void testEmptyTextIsOneEmptyString() {
    CPPUNIT_ASSERT_EQUAL(std::string("( \"\" )"), zone_file_txt(""));
  }
  void testAnswerSizeCountsHeaderQuestionAndStrings() {
    // 12 header + "a.b" (5 in wire form) + 4, one answer 2 + 10 + 1 + 3.
    CPPUNIT_ASSERT_EQUAL(size_t{37}, txt_answer_size("a.b.", {"xyz"}));
    // 256 bytes need two character-strings: two length bytes.
    CPPUNIT_ASSERT_EQUAL(size_t{21 + 12 + 256 + 2},
                         txt_answer_size("a.b", {std::string(256, 'x')}));
  }
  void testA4096BitKeyRecordDoesNotFitPlainUdp() {
    std::string rec4096 = "v=DKIM1; k=rsa; p=" + std::string(736, 'A');
    std::string rec2048 = "v=DKIM1; k=rsa; p=" + std::string(392, 'A');
    const char* name = "s2026._domainkey.example.com";
    CPPUNIT_ASSERT(txt_answer_size(name, {rec4096}) > postseal::dns::kPlainUdpSize);
    CPPUNIT_ASSERT(txt_answer_size(name, {rec2048}) <= postseal::dns::kPlainUdpSize);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ZoneTextTest);
