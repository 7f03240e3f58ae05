/// \file
/// Quoting, comment escaping and folding of the header fields we write.
#include "mail/field_writer.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace postseal::mail;

namespace {

void expect(BareRule rule, std::initializer_list<const char*> yes,
            std::initializer_list<const char*> no) {
  for (const char* s : yes) CPPUNIT_ASSERT_MESSAGE(s, rule(s));
  for (const char* s : no) CPPUNIT_ASSERT_MESSAGE(s, !rule(s));
}

}  // namespace

class FieldWriterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FieldWriterTest);
  CPPUNIT_TEST(testTokenFollowsRfc2045);
  CPPUNIT_TEST(testDotAtomFollowsRfc5322);
  CPPUNIT_TEST(testValueIsBareOnlyWhenTheRuleSaysSo);
  CPPUNIT_TEST(testQuotedStringEscapesAndReplacesNonPrintables);
  CPPUNIT_TEST(testCommentTextEscapesParenthesesAndBackslash);
  CPPUNIT_TEST(testLineJoinsWordsWithSingleSpaces);
  CPPUNIT_TEST(testCommentSplitsAtSpacesAndKeepsParentheses);
  CPPUNIT_TEST(testFoldsBeforeWordsWithin78Columns);
  CPPUNIT_TEST(testWordLongerThanALineStandsAlone);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testTokenFollowsRfc2045() {
    // RFC 2045 §5.1: no SPACE, no CTLs, no tspecials; here also nothing beyond ASCII.
    expect(is_token, {"mx.example.org", "a-b_c!#$%&'*+.^`{|}~"},
           {"", "mx example", "a@b", "a/b", "a=b", "caf\xc3\xa9", "a\tb"});
  }
  void testDotAtomFollowsRfc5322() {
    // RFC 5322 §3.2.3: atext runs joined by single dots.
    expect(is_dot_atom, {"mail.example.com", "a/b=c"},
           {"", ".a", "a.", "a..b", "user@example.com", "2001:db8::1"});
  }
  void testValueIsBareOnlyWhenTheRuleSaysSo() {
    CPPUNIT_ASSERT_EQUAL(std::string("a.b"), quote_value("a.b", is_token));
    CPPUNIT_ASSERT_EQUAL(std::string("\"a b\""), quote_value("a b", is_token));
    CPPUNIT_ASSERT_EQUAL(std::string("\"a@b\""), quote_value("a@b", is_dot_atom));
    CPPUNIT_ASSERT_EQUAL(std::string("\"\""), quote_value("", is_token));
  }
  void testQuotedStringEscapesAndReplacesNonPrintables() {
    CPPUNIT_ASSERT_EQUAL(std::string("\"say \\\"hi\\\" \\\\o/\""),
                         quoted_string("say \"hi\" \\o/"));
    CPPUNIT_ASSERT_EQUAL(std::string("\"a??b?c?\""), quoted_string("a\r\nb\x7f"
                                                                   "c\xff"));
  }
  void testCommentTextEscapesParenthesesAndBackslash() {
    CPPUNIT_ASSERT_EQUAL(std::string("a \\(b\\) c\\\\ ?"), comment_text("a (b) c\\ \x01"));
  }
  void testLineJoinsWordsWithSingleSpaces() {
    FieldWords w;
    w.append("id");
    w.append(";");
    w.add("spf=pass");
    w.add_comment("a  (b)  c");
    w.add("smtp.helo=x");
    CPPUNIT_ASSERT_EQUAL(std::string("id; spf=pass (a \\(b\\) c) smtp.helo=x"), w.line());
  }
  void testCommentSplitsAtSpacesAndKeepsParentheses() {
    FieldWords empty;
    empty.add_comment("   ");
    CPPUNIT_ASSERT_EQUAL(std::string("()"), empty.line());
    FieldWords one;
    one.add_comment(" one ");
    CPPUNIT_ASSERT_EQUAL(std::string("(one)"), one.line());
  }
  void testFoldsBeforeWordsWithin78Columns() {
    FieldWords w;
    for (int i = 0; i < 30; ++i) w.add("word" + std::to_string(i));
    // Lines of 74, 77 and 50 columns: " word22" would have made the second one 84.
    CPPUNIT_ASSERT_EQUAL(
        std::string(
            "X-Test: word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10\r\n"
            "\tword11 word12 word13 word14 word15 word16 word17 word18 word19 word20 "
            "word21\r\n"
            "\tword22 word23 word24 word25 word26 word27 word28 word29\r\n"),
        w.folded("X-Test", "\r\n"));
  }
  void testWordLongerThanALineStandsAlone() {
    FieldWords w;
    w.add("short");
    w.add(std::string(90, 'x'));
    w.add("tail");
    CPPUNIT_ASSERT_EQUAL("H: short\n\t" + std::string(90, 'x') + "\n\ttail\n",
                         w.folded("H", "\n"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FieldWriterTest);
