/// \file
/// Canonicalization against RFC 6376 §3.4.5's example and the edge cases of §3.4.3/§3.4.4.
#include <cppunit/extensions/HelperMacros.h>

#include "dkim/canon.h"

using postseal::dkim::BodyCanonicalizer;
using postseal::dkim::Canon;

namespace {

std::string body(Canon c, std::string_view in, size_t step = 0) {
  std::string out;
  BodyCanonicalizer b(c, [&](std::string_view s) { out.append(s); });
  if (step == 0) {
    b.feed(in);
  } else {
    for (size_t i = 0; i < in.size(); i += step) b.feed(in.substr(i, step));
  }
  b.finish();
  return out;
}

std::string header(Canon c, std::string_view raw) {
  std::string out;
  postseal::dkim::canonicalize_header(raw, c, out);
  return out;
}

}  // namespace

class CanonTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CanonTest);
  CPPUNIT_TEST(testRfc6376RelaxedHeaderExample);
  CPPUNIT_TEST(testRfc6376SimpleHeaderExampleIsUnchanged);
  CPPUNIT_TEST(testRfc6376RelaxedBodyExample);
  CPPUNIT_TEST(testRfc6376SimpleBodyExample);
  CPPUNIT_TEST(testLfOnlyInputEqualsCrlfInput);
  CPPUNIT_TEST(testEmptyBodySimpleIsOneCrlfRelaxedIsEmpty);
  CPPUNIT_TEST(testOnlyEmptyLinesBodyIsEmptyBody);
  CPPUNIT_TEST(testMissingFinalLineEndingIsAdded);
  CPPUNIT_TEST(testRelaxedDropsTrailingWhitespaceOfUnterminatedLastLine);
  CPPUNIT_TEST(testInnerEmptyLinesAreKept);
  CPPUNIT_TEST(testBareCrIsContent);
  CPPUNIT_TEST(testChunkBoundariesDoNotMatter);
  CPPUNIT_TEST(testSimpleHeaderGetsCrlfForBareLf);
  CPPUNIT_TEST(testParseCanonPairDefaultsBodyToSimple);
  CPPUNIT_TEST(testManyEmptyLinesAreStreamedInBoundedChunks);
  CPPUNIT_TEST(testWholeLineFastPathAgreesWithByteByByte);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testRfc6376RelaxedHeaderExample() {
    CPPUNIT_ASSERT_EQUAL(std::string("a:X\r\n"), header(Canon::kRelaxed, "A: X\r\n"));
    CPPUNIT_ASSERT_EQUAL(std::string("b:Y Z\r\n"),
                         header(Canon::kRelaxed, "B : Y\t\r\n\tZ  \r\n"));
  }
  void testRfc6376SimpleHeaderExampleIsUnchanged() {
    CPPUNIT_ASSERT_EQUAL(std::string("B : Y\t\r\n\tZ  \r\n"),
                         header(Canon::kSimple, "B : Y\t\r\n\tZ  \r\n"));
  }
  void testRfc6376RelaxedBodyExample() {
    CPPUNIT_ASSERT_EQUAL(std::string(" C\r\nD E\r\n"),
                         body(Canon::kRelaxed, " C \r\nD \t E\r\n\r\n\r\n"));
  }
  void testRfc6376SimpleBodyExample() {
    CPPUNIT_ASSERT_EQUAL(std::string(" C \r\nD \t E\r\n"),
                         body(Canon::kSimple, " C \r\nD \t E\r\n\r\n\r\n"));
  }
  void testLfOnlyInputEqualsCrlfInput() {
    for (Canon c : {Canon::kSimple, Canon::kRelaxed}) {
      CPPUNIT_ASSERT_EQUAL(body(c, " C \r\nD \t E\r\n\r\n\r\n"), body(c, " C \nD \t E\n\n\n"));
      CPPUNIT_ASSERT_EQUAL(header(c, "B : Y\t\r\n\tZ  \r\n"), header(c, "B : Y\t\n\tZ  \n"));
    }
  }
  void testEmptyBodySimpleIsOneCrlfRelaxedIsEmpty() {
    CPPUNIT_ASSERT_EQUAL(std::string("\r\n"), body(Canon::kSimple, ""));
    CPPUNIT_ASSERT_EQUAL(std::string(""), body(Canon::kRelaxed, ""));
  }
  void testOnlyEmptyLinesBodyIsEmptyBody() {
    CPPUNIT_ASSERT_EQUAL(std::string("\r\n"), body(Canon::kSimple, "\r\n\r\n\n"));
    CPPUNIT_ASSERT_EQUAL(std::string(""), body(Canon::kRelaxed, "\r\n  \r\n\t\n"));
  }
  void testMissingFinalLineEndingIsAdded() {
    CPPUNIT_ASSERT_EQUAL(std::string("a\r\nb\r\n"), body(Canon::kSimple, "a\nb"));
    CPPUNIT_ASSERT_EQUAL(std::string("a\r\nb\r\n"), body(Canon::kRelaxed, "a\nb"));
  }
  void testRelaxedDropsTrailingWhitespaceOfUnterminatedLastLine() {
    CPPUNIT_ASSERT_EQUAL(std::string("a b\r\n"), body(Canon::kRelaxed, "a  b  "));
    CPPUNIT_ASSERT_EQUAL(std::string("a  b  \r\n"), body(Canon::kSimple, "a  b  "));
  }
  void testInnerEmptyLinesAreKept() {
    CPPUNIT_ASSERT_EQUAL(std::string("a\r\n\r\n\r\nb\r\n"), body(Canon::kSimple, "a\n\n\nb\n\n"));
    CPPUNIT_ASSERT_EQUAL(std::string("a\r\n\r\n\r\nb\r\n"),
                         body(Canon::kRelaxed, "a\n \n\t\nb\n\n"));
  }
  void testBareCrIsContent() {
    CPPUNIT_ASSERT_EQUAL(std::string("a\rb\r\n"), body(Canon::kSimple, "a\rb\r\n"));
    CPPUNIT_ASSERT_EQUAL(std::string("a\r\r\n"), body(Canon::kSimple, "a\r"));
  }
  void testChunkBoundariesDoNotMatter() {
    std::string in = "Hello  \t world \r\n\r\n x\ty \n\n\r\nlast line\r\n\r\n";
    for (Canon c : {Canon::kSimple, Canon::kRelaxed})
      for (size_t step : {1, 2, 3, 7})
        CPPUNIT_ASSERT_EQUAL(body(c, in), body(c, in, step));
  }
  void testSimpleHeaderGetsCrlfForBareLf() {
    CPPUNIT_ASSERT_EQUAL(std::string("Subject: a\r\n b\r\n"),
                         header(Canon::kSimple, "Subject: a\n b\n"));
    CPPUNIT_ASSERT_EQUAL(std::string("Subject: x\r\n"), header(Canon::kSimple, "Subject: x"));
  }
  void testParseCanonPairDefaultsBodyToSimple() {
    auto p = postseal::dkim::parse_canon_pair("relaxed");
    CPPUNIT_ASSERT(p && p->first == Canon::kRelaxed && p->second == Canon::kSimple);
    CPPUNIT_ASSERT(!postseal::dkim::parse_canon_pair("relaxed/loose"));
    CPPUNIT_ASSERT(!postseal::dkim::parse_canon_pair("nofws"));
  }
  void testManyEmptyLinesAreStreamedInBoundedChunks() {
    size_t biggest = 0, total = 0;
    BodyCanonicalizer b(Canon::kSimple, [&](std::string_view s) {
      biggest = std::max(biggest, s.size());
      total += s.size();
    });
    std::string blank(1 << 20, '\n');
    b.feed(blank);
    b.feed("x");
    b.finish();
    CPPUNIT_ASSERT_EQUAL(size_t(2 * (1 << 20) + 3), total);
    CPPUNIT_ASSERT(biggest <= BodyCanonicalizer::kChunk);
  }
  void testWholeLineFastPathAgreesWithByteByByte() {
    // Fed whole, clean lines take the fast path; fed a byte at a time, none do.
    const char alphabet[] = {'a', 'b', ' ', ' ', '\t', '\r', '\n', '\n'};
    unsigned seed = 12345;
    for (int round = 0; round < 500; ++round) {
      std::string in;
      int len = round % 60;
      for (int i = 0; i < len; ++i) {
        seed = seed * 1103515245 + 12345;
        in += alphabet[(seed >> 16) % sizeof alphabet];
      }
      for (Canon c : {Canon::kSimple, Canon::kRelaxed})
        CPPUNIT_ASSERT_EQUAL_MESSAGE(in, body(c, in, 1), body(c, in));
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CanonTest);
