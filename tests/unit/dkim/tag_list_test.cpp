/// \file
/// Tag-list parsing (RFC 6376 §3.2), including hostile input.
#include "dkim/tag_list.h"

#include <cppunit/extensions/HelperMacros.h>

using postseal::dkim::find_tag;
using postseal::dkim::parse_tag_list;
using postseal::dkim::scan_tags_leniently;

class TagListTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TagListTest);
  CPPUNIT_TEST(testParsesTagsAndTrimsFoldingWhitespace);
  CPPUNIT_TEST(testTrailingSemicolonIsAllowed);
  CPPUNIT_TEST(testDuplicateTagIsAnError);
  CPPUNIT_TEST(testTagWithoutEqualsIsAnError);
  CPPUNIT_TEST(testInvalidTagNameIsAnError);
  CPPUNIT_TEST(testEmptyTagInTheMiddleIsAnError);
  CPPUNIT_TEST(testHugeTagListIsRefused);
  CPPUNIT_TEST(testControlCharacterInValueIsAnError);
  CPPUNIT_TEST(testLenientScanSkipsMalformedSpecs);
  CPPUNIT_TEST(testLenientScanDropsTagsWithConflictingValues);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testParsesTagsAndTrimsFoldingWhitespace() {
    auto t = parse_tag_list(" v=1;\r\n\ta = rsa-sha256 ; b=ab\r\n cd");
    CPPUNIT_ASSERT(t.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(3), t->size());
    CPPUNIT_ASSERT_EQUAL(std::string("rsa-sha256"), *find_tag(*t, "a"));
    CPPUNIT_ASSERT_EQUAL(std::string("ab\r\n cd"), *find_tag(*t, "b"));
    CPPUNIT_ASSERT(find_tag(*t, "x") == nullptr);
  }
  void testTrailingSemicolonIsAllowed() {
    auto t = parse_tag_list("v=DKIM1; p=abc;");
    CPPUNIT_ASSERT(t.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), t->size());
  }
  void testDuplicateTagIsAnError() {
    auto t = parse_tag_list("a=1; a=2");
    CPPUNIT_ASSERT(!t.ok());
    CPPUNIT_ASSERT(t.message().find("duplicate") != std::string::npos);
  }
  void testTagWithoutEqualsIsAnError() { CPPUNIT_ASSERT(!parse_tag_list("a=1; junk").ok()); }
  void testInvalidTagNameIsAnError() {
    CPPUNIT_ASSERT(!parse_tag_list("1a=1").ok());
    CPPUNIT_ASSERT(!parse_tag_list("a-b=1").ok());
    CPPUNIT_ASSERT(!parse_tag_list("=1").ok());
  }
  void testEmptyTagInTheMiddleIsAnError() { CPPUNIT_ASSERT(!parse_tag_list("a=1;;b=2").ok()); }
  void testHugeTagListIsRefused() {
    std::string s;
    for (int i = 0; i < 10000; ++i) s += "t" + std::to_string(i) + "=x;";
    auto t = parse_tag_list(s);
    CPPUNIT_ASSERT(!t.ok());
    CPPUNIT_ASSERT(t.message().find("too many") != std::string::npos);
  }
  void testControlCharacterInValueIsAnError() {
    CPPUNIT_ASSERT(!parse_tag_list(std::string("a=1\x01", 4)).ok());
  }
  void testLenientScanSkipsMalformedSpecs() {
    auto t = scan_tags_leniently("d=example.com; junk;; 1a=x; s = sel ; v=\x01; h=from");
    CPPUNIT_ASSERT_EQUAL(size_t(3), t.size());
    CPPUNIT_ASSERT_EQUAL(std::string("example.com"), *find_tag(t, "d"));
    CPPUNIT_ASSERT_EQUAL(std::string("sel"), *find_tag(t, "s"));
    CPPUNIT_ASSERT_EQUAL(std::string("from"), *find_tag(t, "h"));
  }
  void testLenientScanDropsTagsWithConflictingValues() {
    auto t = scan_tags_leniently("d=a.example; s=sel; d=b.example; s=sel");
    CPPUNIT_ASSERT(find_tag(t, "d") == nullptr);
    CPPUNIT_ASSERT_EQUAL(std::string("sel"), *find_tag(t, "s"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TagListTest);
