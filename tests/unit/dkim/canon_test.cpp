/// \file
/// Canonicalization against RFC 6376 §3.4.5's example and the edge cases of §3.4.3/§3.4.4.
#include "dkim/canon.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

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

// Feeds `in` cut at the given offsets (ascending, each at most in.size()).
std::string body_split(Canon c, std::string_view in, const std::vector<size_t>& cuts) {
  std::string out;
  BodyCanonicalizer b(c, [&](std::string_view s) { out.append(s); });
  size_t from = 0;
  for (size_t cut : cuts) {
    b.feed(in.substr(from, cut - from));
    from = cut;
  }
  b.feed(in.substr(from));
  b.finish();
  return out;
}

// RFC 6376 §3.4.3 and §3.4.4 read as plainly as possible, on the whole body at once:
// the reference the streaming canonicalizer is compared with.
std::string reference_body(Canon c, std::string_view in) {
  std::vector<std::string> lines;
  while (!in.empty()) {
    size_t lf = in.find('\n');
    std::string line(in.substr(0, lf));
    if (lf != std::string_view::npos && !line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
    in = lf == std::string_view::npos ? std::string_view() : in.substr(lf + 1);
  }
  if (c == Canon::kRelaxed) {
    for (auto& line : lines) {
      std::string r;
      for (char ch : line) {
        bool wsp = ch == ' ' || ch == '\t';
        if (!wsp)
          r += ch;
        else if (r.empty() || r.back() != ' ')
          r += ' ';
      }
      if (!r.empty() && r.back() == ' ') r.pop_back();
      line = r;
    }
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  std::string out;
  for (const auto& line : lines) out += line + "\r\n";
  if (c == Canon::kSimple && out.empty()) out = "\r\n";
  return out;
}

// A deterministic generator (LCG) for the property tests.
class Lcg {
 public:
  explicit Lcg(uint32_t seed) : s_(seed) {}
  uint32_t below(uint32_t n) {
    s_ = s_ * 1103515245u + 12345u;
    return (s_ >> 8) % n;
  }

 private:
  uint32_t s_;
};

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
  CPPUNIT_TEST(testCrAtEndOfOneChunkAndLfAtStartOfNext);
  CPPUNIT_TEST(testWhitespaceRunSplitAcrossChunks);
  CPPUNIT_TEST(testLinesOfOnlyWhitespace);
  CPPUNIT_TEST(testVeryLongLines);
  CPPUNIT_TEST(testLongCrlfBodyMatchesReference);
  CPPUNIT_TEST(testControlCharactersAreContent);
  CPPUNIT_TEST(testEverySplitPointAgreesWithWholeFeed);
  CPPUNIT_TEST(testRandomMessagesWithRandomSplitsMatchReference);
  CPPUNIT_TEST(testLongRandomBodiesWithManyChunkingsMatchReference);
  CPPUNIT_TEST(testEveryByteAtEveryBlockOffsetMatchesReference);
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
    CPPUNIT_ASSERT_EQUAL(std::string("a\r\n\r\n\r\nb\r\n"),
                         body(Canon::kSimple, "a\n\n\nb\n\n"));
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
      for (size_t step : {1, 2, 3, 7}) CPPUNIT_ASSERT_EQUAL(body(c, in), body(c, in, step));
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
  void testCrAtEndOfOneChunkAndLfAtStartOfNext() {
    for (Canon c : {Canon::kSimple, Canon::kRelaxed}) {
      CPPUNIT_ASSERT_EQUAL(std::string("a\r\nb\r\n"), body_split(c, "a\r\nb\r\n", {2}));
      // An empty line whose CRLF is split: still trailing, still dropped.
      CPPUNIT_ASSERT_EQUAL(body(c, "a\r\n\r\n"), body_split(c, "a\r\n\r\n", {4}));
      // A CR at a chunk end that turns out to be content.
      CPPUNIT_ASSERT_EQUAL(std::string("a\rb\r\n"), body_split(c, "a\rb\n", {2}));
      CPPUNIT_ASSERT_EQUAL(std::string("a\r\r\n"), body_split(c, "a\r\r\n", {2, 3}));
    }
  }
  void testWhitespaceRunSplitAcrossChunks() {
    CPPUNIT_ASSERT_EQUAL(std::string("a b\r\n"),
                         body_split(Canon::kRelaxed, "a \t  b\n", {2, 3}));
    CPPUNIT_ASSERT_EQUAL(std::string("a\r\nb\r\n"),
                         body_split(Canon::kRelaxed, "a  \nb\n", {2}));
    CPPUNIT_ASSERT_EQUAL(std::string("a\r\n"), body_split(Canon::kRelaxed, "a \t", {2}));
    // Whitespace before a bare CR is not at the end of the line.
    CPPUNIT_ASSERT_EQUAL(std::string("a \rb\r\n"),
                         body_split(Canon::kRelaxed, "a  \rb\n", {3, 4}));
    CPPUNIT_ASSERT_EQUAL(std::string("a  \t b\r\n"),
                         body_split(Canon::kSimple, "a  \t b", {2, 3}));
  }
  void testLinesOfOnlyWhitespace() {
    CPPUNIT_ASSERT_EQUAL(std::string("a\r\n\r\n\r\nb\r\n"),
                         body(Canon::kRelaxed, "a\n \t \n\t\nb\n \n\t\t\n  "));
    CPPUNIT_ASSERT_EQUAL(std::string("a\r\n \t \r\n\t\r\nb\r\n \r\n"),
                         body(Canon::kSimple, "a\n \t \n\t\nb\n \n\n"));
    CPPUNIT_ASSERT_EQUAL(std::string(""),
                         body(Canon::kRelaxed, std::string(100000, ' ') + "\n\t\n"));
    // A line that starts with whitespace keeps one SP.
    CPPUNIT_ASSERT_EQUAL(std::string("a\r\n b\r\n"), body(Canon::kRelaxed, "a\n \t b\n"));
  }
  void testVeryLongLines() {
    // Longer than the buffer, with and without whitespace to rewrite, LF and CRLF.
    std::string words;
    for (int i = 0; words.size() < 3 * BodyCanonicalizer::kChunk; ++i)
      words += i % 7 == 0 ? "word\t \t" : (i % 5 == 0 ? "word  " : "word ");
    std::string plain(3 * BodyCanonicalizer::kChunk + 5, 'x');
    for (const std::string& line : {words, plain}) {
      for (const char* eol : {"\n", "\r\n", ""}) {
        std::string in = line + eol + "next\n" + line + "  " + eol;
        for (Canon c : {Canon::kSimple, Canon::kRelaxed}) {
          std::string want = reference_body(c, in);
          CPPUNIT_ASSERT(want == body(c, in));
          CPPUNIT_ASSERT(want == body(c, in, 4093));
          CPPUNIT_ASSERT(want == body_split(c, in, {line.size() - 1, line.size() + 1}));
        }
      }
    }
  }
  void testLongCrlfBodyMatchesReference() {
    // CRLF lines that need no change go to the sink uncopied once a run is long.
    std::string in;
    for (int i = 0; in.size() < 200000; ++i) {
      in += "line " + std::to_string(i) + " of a CRLF body, nothing to rewrite\r\n";
      if (i % 997 == 0) in += "\r\n";
      if (i % 1499 == 0) in += "odd  spacing\t here \r\n";
    }
    for (Canon c : {Canon::kSimple, Canon::kRelaxed}) {
      std::string want = reference_body(c, in);
      CPPUNIT_ASSERT(want == body(c, in));
      CPPUNIT_ASSERT(want == body(c, in, 65536));
      CPPUNIT_ASSERT(want == body(c, in, 1000));
    }
  }
  void testControlCharactersAreContent() {
    std::string in = "a\x01 \x0b\x0c b\x1f\x7f \x80\xff  \x01\n\x01\n";
    for (Canon c : {Canon::kSimple, Canon::kRelaxed}) {
      CPPUNIT_ASSERT_EQUAL(reference_body(c, in), body(c, in));
      CPPUNIT_ASSERT_EQUAL(reference_body(c, in), body(c, in, 1));
    }
    CPPUNIT_ASSERT_EQUAL(std::string("a\x01 \x0b\x0c b\r\n"),
                         body(Canon::kRelaxed, "a\x01 \x0b\x0c  b"));
  }
  void testEverySplitPointAgreesWithWholeFeed() {
    const std::string inputs[] = {
        "Hello  \t world \r\n\r\n x\ty \n\n\r\nlast line\r\n\r\n",
        "a\r\r\n\r\n \r\n\t \rb  \r",
        " C \r\nD \t E\r\n\r\n\r\n",
        "0123456789abcdef0123456789abcdef x  y\tz \n0123456789abcdef0123456789abcdef\r\n\n",
    };
    for (const auto& in : inputs)
      for (Canon c : {Canon::kSimple, Canon::kRelaxed}) {
        const std::string want = reference_body(c, in);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(in, want, body(c, in));
        for (size_t i = 0; i <= in.size(); ++i)
          for (size_t j = i; j <= in.size(); ++j)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(in, want, body_split(c, in, {i, j}));
      }
  }
  void testRandomMessagesWithRandomSplitsMatchReference() {
    // Mostly ordinary bytes with the special ones mixed in, in lengths around the
    // 16-byte blocks the scanner works in.
    const char alphabet[] = "aaaaaaaaaabbbbbbbbcc   \t\r\n\n\x01\x80";
    Lcg rng(20261201);
    for (int round = 0; round < 3000; ++round) {
      std::string in;
      const uint32_t len = rng.below(round < 2000 ? 80 : 400);
      for (uint32_t i = 0; i < len; ++i) in += alphabet[rng.below(sizeof alphabet - 1)];
      std::vector<size_t> cuts;
      const uint32_t ncuts = rng.below(5);
      for (uint32_t i = 0; i < ncuts; ++i) cuts.push_back(rng.below(len + 1));
      std::sort(cuts.begin(), cuts.end());
      for (Canon c : {Canon::kSimple, Canon::kRelaxed}) {
        const std::string want = reference_body(c, in);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(in, want, body(c, in));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(in, want, body_split(c, in, cuts));
      }
    }
  }
  void testLongRandomBodiesWithManyChunkingsMatchReference() {
    // Bodies of several 64-byte scan blocks made of words, SP and HTAB runs, empty
    // lines, LF, CRLF, bare CR and control characters, each fed in many random ways:
    // pieces of 1 byte, of a few bytes, and cuts anywhere (a CR at the end of one piece
    // and its LF at the start of the next; a WSP run across pieces; trailing empty
    // lines; no final line ending).
    const char* const tokens[] = {"word", "DKIM", "x",        "0123456789abcdefghij",
                                  " ",    " ",    " ",        "  ",
                                  "\t",   " \t ", "\n",       "\n",
                                  "\r\n", "\n\n", "\r\n\r\n", "\r",
                                  "\x01", "\x80", " \n",      "\t\r\n"};
    Lcg rng(20261202);
    for (int round = 0; round < 400; ++round) {
      std::string in;
      const uint32_t len = 1 + rng.below(round < 300 ? 600 : 5000);
      while (in.size() < len) in += tokens[rng.below(std::size(tokens))];
      if (rng.below(3) == 0) in += std::string(rng.below(4), '\n');
      for (Canon c : {Canon::kSimple, Canon::kRelaxed}) {
        const std::string want = reference_body(c, in);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(in, want, body(c, in));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(in, want, body(c, in, 1 + rng.below(70)));
        for (int chunking = 0; chunking < 12; ++chunking) {
          std::vector<size_t> cuts;
          const uint32_t ncuts = rng.below(20);
          for (uint32_t i = 0; i < ncuts; ++i) cuts.push_back(rng.below(in.size() + 1));
          std::sort(cuts.begin(), cuts.end());
          CPPUNIT_ASSERT_EQUAL_MESSAGE(in, want, body_split(c, in, cuts));
        }
      }
    }
  }
  void testEveryByteAtEveryBlockOffsetMatchesReference() {
    // Each byte sequence the scanner must stop at, at every offset of the first three
    // 64-byte blocks, so it lands on a block's last byte, its first, and straddles two
    // blocks (a SP whose successor is in the next block).
    const std::string patterns[] = {" ",  "  ",  "\t",   " \t", "\n",     "\r\n", "\n\n",
                                    "\r", " \n", "\x01", " \r", "\r\r\n", " \x01"};
    for (const auto& pat : patterns)
      for (size_t at = 0; at < 3 * 64; ++at) {
        const std::string in = std::string(at, 'a') + pat + std::string(200, 'b') + "\n";
        for (Canon c : {Canon::kSimple, Canon::kRelaxed}) {
          const std::string want = reference_body(c, in);
          CPPUNIT_ASSERT_EQUAL_MESSAGE(in, want, body(c, in));
          CPPUNIT_ASSERT_EQUAL_MESSAGE(in, want, body_split(c, in, {at, at + 1}));
        }
      }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CanonTest);
