/// \file
/// Tests for lib/config/key_table_edit (the KeyTable rewrite of `postseal rotate`) and
/// lib/config/relay with the signing options it changes (lib/session/settings): an
/// entry is found with its line, replaced with every other byte kept, malformed lines
/// are errors; relay = ses keeps Message-ID, Date, Return-Path and Bounces-To out of h=
/// (RFC 6376 section 5.4) and From in it.
#include "config/key_table_edit.h"

#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "config/options.h"
#include "config/relay.h"
#include "dkim/signer.h"
#include "mail/header.h"
#include "session/settings.h"
#include "util/errors.h"

namespace postseal::config {
namespace {

namespace po = boost::program_options;

const char kTable[] =
    "# keys\r\n"
    "k1\texample.com:s1:/etc/postseal/keys/s1.private   # the main key\r\n"
    "\r\n"
    "k2 example.org:o1:./keys/o1.private\r\n";

/// The signing options of postseal sign for `args`.
session::SignOptions sign_options_for(const std::vector<std::string>& args) {
  po::options_description desc;
  Settings::describe(desc, kSignTool);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).run(), vm);
  po::notify(vm);
  return session::sign_options(Settings::load(vm, "", kSignTool));
}

std::vector<mail::HeaderField> fields() {
  std::vector<mail::HeaderField> f;
  for (const char* raw :
       {"From: a@example.com\r\n", "To: b@example.org\r\n", "Subject: hi\r\n",
        "Date: Wed, 2 Dec 2026 07:00:00 +0000\r\n", "Message-ID: <1@example.com>\r\n",
        "Return-Path: <a@example.com>\r\n", "Bounces-To: a@example.com\r\n"}) {
    f.push_back(mail::HeaderField{raw});
  }
  return f;
}

bool has(const std::vector<std::string>& v, const std::string& x) {
  for (const auto& e : v)
    if (e == x) return true;
  return false;
}

class KeyTableEditTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(KeyTableEditTest);
  CPPUNIT_TEST(testEntriesAreListedWithTheirLines);
  CPPUNIT_TEST(testReplaceKeepsEveryOtherByte);
  CPPUNIT_TEST(testReplaceOfALineWithoutEntryFails);
  CPPUNIT_TEST(testMalformedLineIsAnError);
  CPPUNIT_TEST(testRelayNamesAreParsed);
  CPPUNIT_TEST(testRelaySesKeepsRewrittenFieldsOutOfH);
  CPPUNIT_TEST(testRelayNoneSignsMessageIdAndDate);
  CPPUNIT_TEST(testSesFeedbackEndpointAndRegion);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testEntriesAreListedWithTheirLines() {
    auto e = key_table_entries(kTable);
    CPPUNIT_ASSERT(e.ok());
    CPPUNIT_ASSERT_EQUAL(size_t{2}, e->size());
    CPPUNIT_ASSERT_EQUAL(size_t{2}, (*e)[0].line);
    CPPUNIT_ASSERT_EQUAL(std::string("k1"), (*e)[0].name);
    CPPUNIT_ASSERT_EQUAL(std::string("example.com"), (*e)[0].domain);
    CPPUNIT_ASSERT_EQUAL(std::string("s1"), (*e)[0].selector);
    CPPUNIT_ASSERT_EQUAL(std::string("/etc/postseal/keys/s1.private"), (*e)[0].key);
    CPPUNIT_ASSERT_EQUAL(size_t{4}, (*e)[1].line);
    CPPUNIT_ASSERT_EQUAL(std::string("./keys/o1.private"), (*e)[1].key);
  }

  void testReplaceKeepsEveryOtherByte() {
    auto out =
        replace_key_table_entry(kTable, 2, "s202612", "/etc/postseal/keys/s202612.private");
    CPPUNIT_ASSERT(out.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("# keys\r\n"
                                     "k1\texample.com:s202612:/etc/postseal/keys/"
                                     "s202612.private   # the main key\r\n"
                                     "\r\n"
                                     "k2 example.org:o1:./keys/o1.private\r\n"),
                         *out);
    // A last line without a line end stays without one.
    auto last = replace_key_table_entry("k a.example:s:/k", 1, "t", "/k2");
    CPPUNIT_ASSERT(last.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("k a.example:t:/k2"), *last);
  }

  void testReplaceOfALineWithoutEntryFails() {
    CPPUNIT_ASSERT(!replace_key_table_entry(kTable, 1, "s", "/k").ok());
    CPPUNIT_ASSERT(!replace_key_table_entry(kTable, 3, "s", "/k").ok());
    CPPUNIT_ASSERT(!replace_key_table_entry(kTable, 9, "s", "/k").ok());
  }

  void testMalformedLineIsAnError() {
    auto e = key_table_entries("k1 example.com:s1:/k\nk2 example.com-no-colons\n");
    CPPUNIT_ASSERT(!e.ok());
    CPPUNIT_ASSERT(e.message().starts_with("line 2: "));
    CPPUNIT_ASSERT(!key_table_entries("k1 example.com::/k\n").ok());
    CPPUNIT_ASSERT(!key_table_entries("lonely\n").ok());
  }

  void testRelayNamesAreParsed() {
    CPPUNIT_ASSERT(parse_relay("SES") == Relay::kSes);
    CPPUNIT_ASSERT(parse_relay("none") == Relay::kNone);
    CPPUNIT_ASSERT(!parse_relay("sendgrid"));
    std::string err;
    try {
      (void)sign_options_for({"--relay", "mailgun"});
    } catch (const ConfigError& e) {
      err = e.what();
    }
    CPPUNIT_ASSERT(err.find("--relay") != std::string::npos);
  }

  void testRelaySesKeepsRewrittenFieldsOutOfH() {
    auto o = sign_options_for({"--relay", "ses", "--oversign-headers", "From:Date"});
    auto h = dkim::select_headers(fields(), o.policy);
    CPPUNIT_ASSERT(has(h, "from"));
    CPPUNIT_ASSERT(has(h, "subject"));
    CPPUNIT_ASSERT(!has(h, "message-id"));
    CPPUNIT_ASSERT(!has(h, "date"));  // omitted even though oversigned
    CPPUNIT_ASSERT(!has(h, "return-path"));
    CPPUNIT_ASSERT(!has(h, "bounces-to"));
  }

  void testRelayNoneSignsMessageIdAndDate() {
    auto h = dkim::select_headers(fields(), sign_options_for({}).policy);
    CPPUNIT_ASSERT(has(h, "message-id"));
    CPPUNIT_ASSERT(has(h, "date"));
  }

  void testSesFeedbackEndpointAndRegion() {
    CPPUNIT_ASSERT_EQUAL(std::string("feedback-smtp.eu-west-1.amazonses.com"),
                         ses::feedback_mx("eu-west-1"));
    CPPUNIT_ASSERT(ses::is_region("us-east-1"));
    CPPUNIT_ASSERT(!ses::is_region("1us"));
    CPPUNIT_ASSERT(!ses::is_region("eu_west"));
    CPPUNIT_ASSERT(!ses::is_region(""));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(KeyTableEditTest);

}  // namespace
}  // namespace postseal::config
