/// \file
/// pipe(8) argv splitting and the sendmail argv.
#include "filter/pipe_args.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace postseal::filter;

class PipeArgsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PipeArgsTest);
  CPPUNIT_TEST(testSplitsAtFirstDoubleDash);
  CPPUNIT_TEST(testRecipientThatLooksLikeAnOptionStaysARecipient);
  CPPUNIT_TEST(testNoSeparatorMeansNoRecipients);
  CPPUNIT_TEST(testSendmailArgvEndsOptionsBeforeRecipients);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testSplitsAtFirstDoubleDash() {
    auto s = split_args({"--queue-id", "ABC", "-f", "a@b", "--", "x@y", "z@w"});
    CPPUNIT_ASSERT(s.had_separator);
    CPPUNIT_ASSERT_EQUAL(size_t(4), s.options.size());
    CPPUNIT_ASSERT((s.recipients == std::vector<std::string>{"x@y", "z@w"}));
  }
  void testRecipientThatLooksLikeAnOptionStaysARecipient() {
    auto s = split_args({"-f", "a@b", "--", "-oi@example.com", "--"});
    CPPUNIT_ASSERT((s.recipients == std::vector<std::string>{"-oi@example.com", "--"}));
  }
  void testNoSeparatorMeansNoRecipients() {
    auto s = split_args({"-f", "a@b"});
    CPPUNIT_ASSERT(!s.had_separator);
    CPPUNIT_ASSERT(s.recipients.empty());
  }
  void testSendmailArgvEndsOptionsBeforeRecipients() {
    auto v = sendmail_argv("/usr/sbin/sendmail", "", {"-x@y"});
    std::vector<std::string> want = {"/usr/sbin/sendmail", "-G", "-i", "-f", "", "--", "-x@y"};
    CPPUNIT_ASSERT(v == want);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PipeArgsTest);
