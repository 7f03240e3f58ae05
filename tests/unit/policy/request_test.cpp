/// \file
/// The policy protocol parser, with hostile input: lines without '=', huge lines,
/// binary bytes, too many attributes, and requests split across reads at every byte.
#include "policy/request.h"

#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <cppunit/extensions/HelperMacros.h>

#include "config/options.h"
#include "policy/setup.h"

using namespace postseal::policy;

namespace {

const std::string kRequest =
    "request=smtpd_access_policy\n"
    "protocol_state=RCPT\n"
    "protocol_name=ESMTP\n"
    "client_address=192.0.2.10\n"
    "client_name=mail.example.org\n"
    "helo_name=mail.example.org\n"
    "sender=alice@example.org\n"
    "recipient=bob@example.com\n"
    "instance=12ab.5f3c1d2e.8a9b0.0\n"
    "ccert_subject=CN=x=y\n"
    "\n";

/// Every request the parser yields for `bytes` fed in pieces of `step` bytes.
std::vector<ParsedRequest> parse_all(const std::string& bytes, std::size_t step,
                                     ParserLimits limits = {}) {
  RequestParser p(limits);
  std::vector<ParsedRequest> out;
  for (std::size_t i = 0; i < bytes.size(); i += step) {
    p.feed(std::string_view(bytes).substr(i, step));
    while (auto r = p.next()) out.push_back(std::move(*r));
  }
  return out;
}

}  // namespace

class RequestTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RequestTest);
  CPPUNIT_TEST(testParsesARequestIntoAttributes);
  CPPUNIT_TEST(testValueKeepsLaterEqualsSigns);
  CPPUNIT_TEST(testSeveralRequestsInOneRead);
  CPPUNIT_TEST(testSplitAtEveryByteGivesTheSameRequests);
  CPPUNIT_TEST(testCrLfLineEndsAreAccepted);
  CPPUNIT_TEST(testNothingBeforeTheEmptyLine);
  CPPUNIT_TEST(testInRequestTracksAPartialRequest);
  CPPUNIT_TEST(testLineWithoutEqualsIsMalformedAndTheNextRequestIsRead);
  CPPUNIT_TEST(testEmptyNameIsMalformed);
  CPPUNIT_TEST(testDuplicateAttributeIsMalformed);
  CPPUNIT_TEST(testEmptyRequestIsMalformed);
  CPPUNIT_TEST(testNulByteIsMalformed);
  CPPUNIT_TEST(testLineOfExactlyTheLimitIsAccepted);
  CPPUNIT_TEST(testHugeLineIsMalformedAndSkippedInPieces);
  CPPUNIT_TEST(testHugeLineInOneFeedIsMalformed);
  CPPUNIT_TEST(testTooManyAttributesIsMalformed);
  CPPUNIT_TEST(testLimitsComeFromTheOptions);
  CPPUNIT_TEST(testBinaryGarbageNeverBreaksTheStream);
  CPPUNIT_TEST(testReplyEndsWithAnEmptyLine);
  CPPUNIT_TEST(testReplyCannotBeSplitByControlCharacters);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testParsesARequestIntoAttributes() {
    auto rs = parse_all(kRequest, kRequest.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), rs.size());
    CPPUNIT_ASSERT(rs[0].ok());
    const Request& r = rs[0].request;
    CPPUNIT_ASSERT_EQUAL(std::size_t(10), r.attributes.size());
    CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.10"), std::string(r.get("client_address")));
    CPPUNIT_ASSERT_EQUAL(std::string("12ab.5f3c1d2e.8a9b0.0"), std::string(r.get("instance")));
    CPPUNIT_ASSERT(!r.has("sasl_username"));
    CPPUNIT_ASSERT(r.get("sasl_username").empty());
  }

  void testValueKeepsLaterEqualsSigns() {
    auto rs = parse_all(kRequest, 7);
    CPPUNIT_ASSERT_EQUAL(std::string("CN=x=y"),
                         std::string(rs.at(0).request.get("ccert_subject")));
  }

  void testSeveralRequestsInOneRead() {
    std::string three = kRequest + kRequest + kRequest;
    auto rs = parse_all(three, three.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), rs.size());
    for (const auto& r : rs) CPPUNIT_ASSERT(r.ok());
  }

  void testSplitAtEveryByteGivesTheSameRequests() {
    std::string two = kRequest + "bad line\n\n" + kRequest;
    auto whole = parse_all(two, two.size());
    for (std::size_t step = 1; step < 40; ++step) {
      auto split = parse_all(two, step);
      CPPUNIT_ASSERT_EQUAL(whole.size(), split.size());
      for (std::size_t i = 0; i < whole.size(); ++i) {
        CPPUNIT_ASSERT(whole[i].request.attributes == split[i].request.attributes);
        CPPUNIT_ASSERT_EQUAL(whole[i].error, split[i].error);
      }
    }
  }

  void testCrLfLineEndsAreAccepted() {
    auto rs = parse_all("request=smtpd_access_policy\r\nclient_address=192.0.2.1\r\n\r\n", 5);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), rs.size());
    CPPUNIT_ASSERT(rs[0].ok());
    CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.1"),
                         std::string(rs[0].request.get("client_address")));
  }

  void testNothingBeforeTheEmptyLine() {
    auto rs = parse_all(kRequest.substr(0, kRequest.size() - 1), 1);
    CPPUNIT_ASSERT(rs.empty());
  }

  void testInRequestTracksAPartialRequest() {
    RequestParser p;
    CPPUNIT_ASSERT(!p.in_request());
    p.feed("request=smtpd_acc");
    CPPUNIT_ASSERT(p.in_request());
    p.feed("ess_policy\n");
    CPPUNIT_ASSERT(p.in_request());
    p.feed("\n");
    CPPUNIT_ASSERT(!p.in_request());
    CPPUNIT_ASSERT(p.next().has_value());
    CPPUNIT_ASSERT(!p.next().has_value());
  }

  void testLineWithoutEqualsIsMalformedAndTheNextRequestIsRead() {
    auto rs =
        parse_all("request=smtpd_access_policy\nno equals sign here\nx=y\n\n" + kRequest, 3);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), rs.size());
    CPPUNIT_ASSERT(!rs[0].ok());
    CPPUNIT_ASSERT(rs[0].error.find("without") != std::string::npos);
    CPPUNIT_ASSERT(rs[1].ok());
    CPPUNIT_ASSERT_EQUAL(std::string("alice@example.org"),
                         std::string(rs[1].request.get("sender")));
  }

  void testEmptyNameIsMalformed() {
    auto rs = parse_all("=value\n\n", 100);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), rs.size());
    CPPUNIT_ASSERT(!rs[0].ok());
    rs = parse_all("bad name=value\n\n", 100);
    CPPUNIT_ASSERT(!rs.at(0).ok());
  }

  void testDuplicateAttributeIsMalformed() {
    auto rs = parse_all("sender=a@b.example\nsender=c@d.example\n\n", 100);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), rs.size());
    CPPUNIT_ASSERT(rs[0].error.find("twice") != std::string::npos);
  }

  void testEmptyRequestIsMalformed() {
    auto rs = parse_all("\n\n" + kRequest, 100);
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), rs.size());
    CPPUNIT_ASSERT_EQUAL(std::string("empty request"), rs[0].error);
    CPPUNIT_ASSERT_EQUAL(std::string("empty request"), rs[1].error);
    CPPUNIT_ASSERT(rs[2].ok());
  }

  void testNulByteIsMalformed() {
    std::string req = "request=smtpd_access_policy\nsender=a";
    req += '\0';
    req += "b@example.org\n\n";
    auto rs = parse_all(req, 100);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), rs.size());
    CPPUNIT_ASSERT(rs[0].error.find("NUL") != std::string::npos);
  }

  void testLimitsComeFromTheOptions() {
    // request-line-limit and request-attribute-limit (issue 15): defaults, then set.
    namespace po = boost::program_options;
    using postseal::config::Settings;
    auto load = [](const std::vector<std::string>& args) {
      po::options_description desc;
      Settings::describe(desc, postseal::config::kPolicyd);
      po::variables_map vm;
      po::store(po::command_line_parser(args).options(desc).run(), vm);
      po::notify(vm);
      return server_options(Settings::load(vm, "", postseal::config::kPolicyd)).limits;
    };
    ParserLimits d = load({"--listen=inet:127.0.0.1:10040"});
    CPPUNIT_ASSERT_EQUAL(std::size_t(4096), d.max_line);
    CPPUNIT_ASSERT_EQUAL(std::size_t(100), d.max_attributes);
    ParserLimits l = load({"--listen=inet:127.0.0.1:10040", "--request-line-limit=64",
                           "--request-attribute-limit=2"});
    CPPUNIT_ASSERT_EQUAL(std::size_t(64), l.max_line);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), l.max_attributes);
    CPPUNIT_ASSERT(parse_all("a=1\nb=2\n\n", 4, l).at(0).ok());
    auto rs = parse_all("a=1\nb=2\nc=3\n\n", 4, l);
    CPPUNIT_ASSERT(!rs.at(0).ok());
    CPPUNIT_ASSERT(rs.at(0).error.find("more than 2 attributes") != std::string::npos);
    rs = parse_all("sender=" + std::string(60, 'a') + "\n\n", 16, l);
    CPPUNIT_ASSERT(!rs.at(0).ok());
    CPPUNIT_ASSERT(rs.at(0).error.find("line longer than 64 bytes") != std::string::npos);
  }

  void testLineOfExactlyTheLimitIsAccepted() {
    ParserLimits limits;
    limits.max_line = 64;
    std::string line = "sender=" + std::string(64 - 7, 'a');
    auto rs = parse_all(line + "\n\n", 10, limits);
    CPPUNIT_ASSERT(rs.at(0).ok());
    rs = parse_all(line + "a\n\n", 10, limits);
    CPPUNIT_ASSERT(!rs.at(0).ok());
  }

  void testHugeLineIsMalformedAndSkippedInPieces() {
    // 1 MB of a single line, in 4 KB reads (as the daemon reads): the parser keeps at
    // most one line's worth, reports the request, and reads the next one normally.
    std::string huge = "sender=" + std::string(1 << 20, 'x') + "\nclient_address=1.2.3.4\n\n";
    auto rs = parse_all(huge + kRequest, 4096);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), rs.size());
    CPPUNIT_ASSERT(rs[0].error.find("longer than 4096") != std::string::npos);
    CPPUNIT_ASSERT(rs[0].request.attributes.empty());
    CPPUNIT_ASSERT(rs[1].ok());
  }

  void testHugeLineInOneFeedIsMalformed() {
    std::string huge = std::string(100000, 'y') + "\n\n" + kRequest;
    auto rs = parse_all(huge, huge.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), rs.size());
    CPPUNIT_ASSERT(!rs[0].ok());
    CPPUNIT_ASSERT(rs[1].ok());
  }

  void testTooManyAttributesIsMalformed() {
    std::string req;
    for (int i = 0; i < 101; ++i) req += "attr" + std::to_string(i) + "=v\n";
    auto rs = parse_all(req + "\n" + kRequest, 1000);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), rs.size());
    CPPUNIT_ASSERT(rs[0].error.find("more than 100") != std::string::npos);
    CPPUNIT_ASSERT(rs[1].ok());
    std::string exactly;
    for (int i = 0; i < 100; ++i) exactly += "attr" + std::to_string(i) + "=v\n";
    CPPUNIT_ASSERT(parse_all(exactly + "\n", 1000).at(0).ok());
  }

  void testBinaryGarbageNeverBreaksTheStream() {
    // Deterministic pseudo-random bytes, all 256 values, fed in uneven pieces; then an
    // empty line resynchronises and a normal request must come out whole.
    std::string junk;
    uint32_t x = 12345;
    for (int i = 0; i < 200000; ++i) {
      x = x * 1103515245u + 12345u;
      junk += static_cast<char>(x >> 24);
    }
    RequestParser p;
    std::size_t pos = 0, step = 1;
    while (pos < junk.size()) {
      p.feed(std::string_view(junk).substr(pos, step));
      pos += step;
      step = step * 7 % 5000 + 1;
      while (p.next()) {
      }
    }
    p.feed("\n\n\n");
    while (p.next()) {
    }
    p.feed(kRequest);
    auto r = p.next();
    CPPUNIT_ASSERT(r.has_value());
    CPPUNIT_ASSERT(r->ok());
    CPPUNIT_ASSERT_EQUAL(std::string("RCPT"), std::string(r->request.get("protocol_state")));
  }

  void testReplyEndsWithAnEmptyLine() {
    CPPUNIT_ASSERT_EQUAL(std::string("action=DUNNO\n\n"), format_reply("DUNNO"));
  }

  void testReplyCannotBeSplitByControlCharacters() {
    std::string r = format_reply("550 5.7.23 bad\r\n\naction=OK\n\x7f");
    CPPUNIT_ASSERT_EQUAL(std::string("action=550 5.7.23 bad   action=OK  \n\n"), r);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RequestTest);
