/// \file
/// The incremental header reader: original bytes kept, any chunking, limits, bad input.
#include "mail/message_parser.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace postseal::mail;

class MessageParserTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MessageParserTest);
  CPPUNIT_TEST(testKeepsFoldedFieldsByteForByte);
  CPPUNIT_TEST(testBodyBytesAreReturnedNotStored);
  CPPUNIT_TEST(testByteByByteFeedingGivesTheSameResult);
  CPPUNIT_TEST(testDetectsCrlfAndLf);
  CPPUNIT_TEST(testMessageWithoutBodyEndsAtFinish);
  CPPUNIT_TEST(testMalformedHeaderLineIsAnError);
  CPPUNIT_TEST(testContinuationBeforeFirstFieldIsAnError);
  CPPUNIT_TEST(testTooManyFieldsIsAnError);
  CPPUNIT_TEST(testOversizedHeaderBlockIsAnError);
  CPPUNIT_TEST(testFieldLongerThanTheLimitIsAnError);
  CPPUNIT_TEST(testUnfoldAndCaseInsensitiveLookup);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testKeepsFoldedFieldsByteForByte() {
    MessageParser p;
    auto b = p.feed("Subject:  hello\n\t  world  \nFROM : a@b\n\nbody\n");
    CPPUNIT_ASSERT(b.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), p.headers().size());
    CPPUNIT_ASSERT_EQUAL(std::string("Subject:  hello\n\t  world  \n"), p.headers()[0].raw);
    CPPUNIT_ASSERT_EQUAL(std::string("FROM"), std::string(p.headers()[1].name()));
    CPPUNIT_ASSERT_EQUAL(std::string(" a@b"), std::string(p.headers()[1].value()));
    CPPUNIT_ASSERT_EQUAL(std::string("\n"), p.separator());
  }
  void testBodyBytesAreReturnedNotStored() {
    MessageParser p;
    auto b1 = p.feed("A: 1\n\nfirst");
    CPPUNIT_ASSERT_EQUAL(std::string("first"), std::string(*b1));
    auto b2 = p.feed("second chunk");
    CPPUNIT_ASSERT_EQUAL(std::string("second chunk"), std::string(*b2));
  }
  void testByteByByteFeedingGivesTheSameResult() {
    std::string msg = "A: 1\r\nB: 2\r\n x\r\n\r\nbody";
    MessageParser p;
    std::string body;
    for (char c : msg) {
      auto b = p.feed(std::string_view(&c, 1));
      CPPUNIT_ASSERT(b.ok());
      body += *b;
    }
    CPPUNIT_ASSERT_EQUAL(std::string("body"), body);
    CPPUNIT_ASSERT_EQUAL(std::string("B: 2\r\n x\r\n"), p.headers()[1].raw);
  }
  void testDetectsCrlfAndLf() {
    MessageParser a, b;
    CPPUNIT_ASSERT(a.feed("A: 1\r\n\r\n").ok());
    CPPUNIT_ASSERT(b.feed("A: 1\n\n").ok());
    CPPUNIT_ASSERT(a.line_ending() == LineEnding::kCrlf);
    CPPUNIT_ASSERT(b.line_ending() == LineEnding::kLf);
  }
  void testMessageWithoutBodyEndsAtFinish() {
    MessageParser p;
    CPPUNIT_ASSERT(p.feed("A: 1\nB: 2").ok());
    CPPUNIT_ASSERT(!p.headers_done());
    CPPUNIT_ASSERT(p.finish().ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), p.headers().size());
    CPPUNIT_ASSERT_EQUAL(std::string("B: 2"), p.headers()[1].raw);
  }
  void testMalformedHeaderLineIsAnError() {
    MessageParser p;
    auto b = p.feed("A: 1\nthis is not a header\n\n");
    CPPUNIT_ASSERT(!b.ok());
    CPPUNIT_ASSERT(!p.feed("more").ok());
  }
  void testContinuationBeforeFirstFieldIsAnError() {
    MessageParser p;
    CPPUNIT_ASSERT(!p.feed(" folded: x\n\n").ok());
  }
  void testTooManyFieldsIsAnError() {
    MessageParser p(ParseLimits{.max_header_fields = 10});
    std::string h;
    for (int i = 0; i < 11; ++i) h += "X: 1\n";
    auto b = p.feed(h + "\n");
    CPPUNIT_ASSERT(!b.ok());
    CPPUNIT_ASSERT(b.message().find("header fields") != std::string::npos);
  }
  void testOversizedHeaderBlockIsAnError() {
    MessageParser p(ParseLimits{.max_header_bytes = 100});
    auto b = p.feed("Subject: " + std::string(200, 'x'));  // no newline yet: still bounded
    CPPUNIT_ASSERT(!b.ok());
    CPPUNIT_ASSERT(b.message().find("header block larger than 100 bytes") != std::string::npos);
    MessageParser q(ParseLimits{.max_header_bytes = 100});
    std::string h;
    for (int i = 0; i < 20; ++i) h += "X: 12\n";  // 120 bytes in short fields
    CPPUNIT_ASSERT(!q.feed(h).ok());
  }
  // header-field-size-limit: one field, its folded lines included; a field of exactly
  // the limit is read; one byte more fails, whether it comes as one line, folded, or in
  // pieces without a newline yet.
  void testFieldLongerThanTheLimitIsAnError() {
    std::string exact = "Subject: " + std::string(100 - 10, 'x') + "\n";  // 100 bytes
    {
      MessageParser p(ParseLimits{.max_field_bytes = 100});
      CPPUNIT_ASSERT(p.feed(exact + "From: a@b\n\nbody").ok());
      CPPUNIT_ASSERT_EQUAL(size_t(2), p.headers().size());
    }
    {
      MessageParser p(ParseLimits{.max_field_bytes = 99});
      auto b = p.feed(exact + "\n");
      CPPUNIT_ASSERT(!b.ok());
      CPPUNIT_ASSERT_EQUAL(std::string("header field \"Subject\" longer than 99 bytes"),
                           b.message());
    }
    {
      MessageParser p(ParseLimits{.max_field_bytes = 100});
      std::string folded = "Received: from a\n";
      while (folded.size() <= 100) folded += "\tby b\n";
      auto b = p.feed(folded + "\n");
      CPPUNIT_ASSERT(!b.ok());
      CPPUNIT_ASSERT(b.message().find("\"Received\" longer than 100") != std::string::npos);
    }
    {
      MessageParser p(ParseLimits{.max_field_bytes = 100});
      CPPUNIT_ASSERT(p.feed("Subject: " + std::string(50, 'x')).ok());
      auto b = p.feed(std::string(50, 'x'));  // 109 bytes, no newline yet
      CPPUNIT_ASSERT(!b.ok());
      CPPUNIT_ASSERT(b.message().find("\"Subject\"") != std::string::npos);
    }
  }
  void testUnfoldAndCaseInsensitiveLookup() {
    MessageParser p;
    CPPUNIT_ASSERT(p.feed("from: a@b\nSubject: one\n two\n\n").ok());
    CPPUNIT_ASSERT(find_field(p.headers(), "FROM") != nullptr);
    CPPUNIT_ASSERT_EQUAL(size_t(1), count_fields(p.headers(), "subject"));
    CPPUNIT_ASSERT_EQUAL(std::string("one two"),
                         unfold(find_field(p.headers(), "Subject")->value()));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MessageParserTest);
