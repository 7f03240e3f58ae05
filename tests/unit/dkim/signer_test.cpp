/// \file
/// Signer: the RFC 8463 vector, header selection, tags, folding, refusals.
#include "dkim/signer.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <cppunit/extensions/HelperMacros.h>
#include <openssl/evp.h>

#include "../test_data.h"
#include "dkim/tag_list.h"
#include "mail/message_parser.h"
#include "util/base64.h"

using namespace postseal;
using dkim::Canon;

namespace {

std::string sha256_b64(std::string_view s) {
  unsigned char md[32];
  unsigned int len = 0;
  EVP_Digest(s.data(), s.size(), md, &len, EVP_sha256(), nullptr);
  return base64_encode(std::string_view(reinterpret_cast<char*>(md), len));
}

std::string strip_ws(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') out += c;
  return out;
}

struct Parsed {
  std::vector<mail::HeaderField> headers;
  std::string body;
  mail::LineEnding eol;
};

Parsed parse(std::string_view msg) {
  mail::MessageParser p;
  auto b = p.feed(msg);
  CPPUNIT_ASSERT(b.ok());
  CPPUNIT_ASSERT(p.finish().ok());
  return Parsed{p.headers(), std::string(*b), p.line_ending()};
}

const char kMsg[] =
    "From: Joe SixPack <joe@football.example.com>\n"
    "To: Suzie Q <suzie@shopping.example.net>\n"
    "Subject: Is dinner ready?\n"
    "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\n"
    "Message-ID: <20030712040037.46341.5F8J@football.example.com>\n"
    "\n"
    "Hi.\n\nWe lost the game.  Are you hungry yet?\n\nJoe.\n";

std::shared_ptr<const dkim::PrivateKey> seed_key() {
  auto k = dkim::PrivateKey::parse("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=");
  CPPUNIT_ASSERT(k.ok());
  return std::make_shared<const dkim::PrivateKey>(std::move(k).value());
}

std::vector<std::string> sign(std::string_view msg, std::vector<dkim::SignatureSpec> specs,
                              dkim::HeaderPolicy policy = dkim::HeaderPolicy::defaults()) {
  Parsed m = parse(msg);
  dkim::Signer s(std::move(specs), policy, 1700000000);
  s.feed_body(m.body);
  auto r = s.finish(m.headers, m.eol);
  CPPUNIT_ASSERT_MESSAGE(r.message(), r.ok());
  return *r;
}

dkim::SignatureSpec spec() {
  dkim::SignatureSpec s;
  s.domain = "football.example.com";
  s.selector = "brisbane";
  s.key = seed_key();
  return s;
}

std::vector<dkim::Tag> tags_of(const std::string& field) {
  auto t = dkim::parse_tag_list(field.substr(field.find(':') + 1));
  CPPUNIT_ASSERT_MESSAGE(t.message(), t.ok());
  return *t;
}

}  // namespace

class SignerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SignerTest);
  CPPUNIT_TEST(testRfc8463VectorReproducesBodyHashAndSignature);
  CPPUNIT_TEST(testDefaultHeadersOversignFrom);
  CPPUNIT_TEST(testOmitListRemovesFieldsButNeverFrom);
  CPPUNIT_TEST(testRepeatedFieldsAreListedPerInstance);
  CPPUNIT_TEST(testWritesRequiredTagsAndOptionalOnesOnRequest);
  CPPUNIT_TEST(testLinesStayWithin78Characters);
  CPPUNIT_TEST(testLineEndingFollowsTheMessage);
  CPPUNIT_TEST(testTwoSignaturesShareOneBodyHash);
  CPPUNIT_TEST(testNoFromIsRefused);
  CPPUNIT_TEST(testTwoFromFieldsAreRefused);
  CPPUNIT_TEST(testIdentityOutsideDomainIsRefused);
  CPPUNIT_TEST(testDkimSignatureInSignOrOversignListIsRefused);
  CPPUNIT_TEST(testDeterministicEd25519SignatureForFixedTime);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testRfc8463VectorReproducesBodyHashAndSignature() {
    Parsed m = parse(testing::read_test_data("dkim/01-ed25519-simple.eml"));
    const mail::HeaderField& sig = m.headers.at(0);
    auto tags = tags_of(sig.raw);
    std::string body;
    dkim::BodyCanonicalizer bc(Canon::kSimple, [&](std::string_view s) { body.append(s); });
    bc.feed(m.body);
    bc.finish();
    CPPUNIT_ASSERT_EQUAL(*dkim::find_tag(tags, "bh"), sha256_b64(body));

    // h=from:to:subject:date:message-id, then from, subject, date once more (absent).
    std::string data;
    for (size_t i = 1; i <= 5; ++i)
      dkim::canonicalize_header(m.headers[i].raw, Canon::kSimple, data);
    std::string unsigned_sig = sig.raw.substr(0, sig.raw.find("b=9/") + 2);
    dkim::canonicalize_header(unsigned_sig, Canon::kSimple, data);
    data.resize(data.size() - 2);
    unsigned char md[32];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
    auto b = seed_key()->sign_digest(std::string_view(reinterpret_cast<char*>(md), len));
    CPPUNIT_ASSERT(b.ok());
    CPPUNIT_ASSERT_EQUAL(strip_ws(*dkim::find_tag(tags, "b")), base64_encode(*b));
  }
  void testDefaultHeadersOversignFrom() {
    auto h = dkim::select_headers(parse(kMsg).headers, dkim::HeaderPolicy::defaults());
    std::vector<std::string> want = {"from", "from", "subject", "date", "to", "message-id"};
    CPPUNIT_ASSERT(h == want);
  }
  void testOmitListRemovesFieldsButNeverFrom() {
    auto p = dkim::HeaderPolicy::defaults();
    p.omit = {"Message-ID", "date", "From"};
    auto h = dkim::select_headers(parse(kMsg).headers, p);
    std::vector<std::string> want = {"from", "from", "subject", "to"};
    CPPUNIT_ASSERT(h == want);
  }
  void testRepeatedFieldsAreListedPerInstance() {
    std::string msg = std::string("To: a@x\nTo: b@x\n") + kMsg;
    auto p = dkim::HeaderPolicy::defaults();
    p.sign = {"To"};
    p.oversign = {};
    auto h = dkim::select_headers(parse(msg).headers, p);
    std::vector<std::string> want = {"from", "to", "to", "to"};
    CPPUNIT_ASSERT(h == want);
  }
  void testWritesRequiredTagsAndOptionalOnesOnRequest() {
    auto s = spec();
    s.identity = "joe@football.example.com";
    s.expire_after = 3600;
    s.body_length = true;
    s.header_canon = Canon::kSimple;
    auto t = tags_of(sign(kMsg, {s}).at(0));
    CPPUNIT_ASSERT_EQUAL(std::string("1"), *dkim::find_tag(t, "v"));
    CPPUNIT_ASSERT_EQUAL(std::string("ed25519-sha256"), *dkim::find_tag(t, "a"));
    CPPUNIT_ASSERT_EQUAL(std::string("simple/relaxed"), *dkim::find_tag(t, "c"));
    CPPUNIT_ASSERT_EQUAL(std::string("football.example.com"), *dkim::find_tag(t, "d"));
    CPPUNIT_ASSERT_EQUAL(std::string("brisbane"), *dkim::find_tag(t, "s"));
    CPPUNIT_ASSERT_EQUAL(std::string("1700000000"), *dkim::find_tag(t, "t"));
    CPPUNIT_ASSERT_EQUAL(std::string("1700003600"), *dkim::find_tag(t, "x"));
    CPPUNIT_ASSERT_EQUAL(std::string("joe@football.example.com"), *dkim::find_tag(t, "i"));
    CPPUNIT_ASSERT_EQUAL(std::string("54"), *dkim::find_tag(t, "l"));
    CPPUNIT_ASSERT(dkim::find_tag(t, "h") && dkim::find_tag(t, "bh") && dkim::find_tag(t, "b"));
    auto plain = tags_of(sign(kMsg, {spec()}).at(0));
    CPPUNIT_ASSERT(!dkim::find_tag(plain, "l") && !dkim::find_tag(plain, "x") &&
                   !dkim::find_tag(plain, "i"));
  }
  void testLinesStayWithin78Characters() {
    auto p = dkim::HeaderPolicy::defaults();
    p.oversign = p.sign;  // a very long h=
    auto rsa = dkim::PrivateKey::generate(dkim::KeyType::kRsa, 4096);
    CPPUNIT_ASSERT(rsa.ok());
    auto s = spec();
    s.key = std::make_shared<const dkim::PrivateKey>(std::move(rsa).value());
    std::string f = sign(kMsg, {s}, p).at(0);
    std::istringstream in(f);
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) {
      ++lines;
      CPPUNIT_ASSERT_MESSAGE(line, line.size() <= 78);
    }
    CPPUNIT_ASSERT(lines > 5);
  }
  void testLineEndingFollowsTheMessage() {
    std::string lf = sign(kMsg, {spec()}).at(0);
    CPPUNIT_ASSERT(lf.find('\r') == std::string::npos);
    std::string crlf_msg;
    for (char c : std::string(kMsg)) {
      if (c == '\n') crlf_msg += '\r';
      crlf_msg += c;
    }
    std::string crlf = sign(crlf_msg, {spec()}).at(0);
    CPPUNIT_ASSERT(crlf.find("\r\n") != std::string::npos);
    CPPUNIT_ASSERT(crlf.size() > 2 && crlf.substr(crlf.size() - 2) == "\r\n");
  }
  void testTwoSignaturesShareOneBodyHash() {
    auto rsa = dkim::PrivateKey::generate(dkim::KeyType::kRsa, 1024);
    auto s2 = spec();
    s2.selector = "rsa";
    s2.key = std::make_shared<const dkim::PrivateKey>(std::move(rsa).value());
    auto sigs = sign(kMsg, {spec(), s2});
    CPPUNIT_ASSERT_EQUAL(size_t(2), sigs.size());
    auto a = tags_of(sigs[0]), b = tags_of(sigs[1]);
    CPPUNIT_ASSERT_EQUAL(*dkim::find_tag(a, "bh"), *dkim::find_tag(b, "bh"));
    CPPUNIT_ASSERT_EQUAL(std::string("rsa-sha256"), *dkim::find_tag(b, "a"));
  }
  void testNoFromIsRefused() {
    Parsed m = parse("To: x@y\n\nbody\n");
    dkim::Signer s({spec()}, dkim::HeaderPolicy::defaults(), 1);
    s.feed_body(m.body);
    auto r = s.finish(m.headers, m.eol);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.message().find("no From") != std::string::npos);
  }
  void testTwoFromFieldsAreRefused() {
    Parsed m = parse(std::string("From: a@evil.example\n") + kMsg);
    dkim::Signer s({spec()}, dkim::HeaderPolicy::defaults(), 1);
    auto r = s.finish(m.headers, m.eol);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.message().find("more than one From") != std::string::npos);
  }
  void testIdentityOutsideDomainIsRefused() {
    auto s = spec();
    s.identity = "joe@example.net";
    CPPUNIT_ASSERT(!dkim::validate_spec(s).ok());
    s.identity = "@sub.football.example.com";
    CPPUNIT_ASSERT(dkim::validate_spec(s).ok());
    s.domain = "bad domain";
    CPPUNIT_ASSERT(!dkim::validate_spec(s).ok());
  }
  void testDkimSignatureInSignOrOversignListIsRefused() {
    // RFC 6376 §3.5: h= must not include the signature's own field; listing
    // DKIM-Signature lets a verifier's bottom-up count reach it (tests/data/dkim/04).
    std::string msg = std::string("DKIM-Signature: v=1; d=a.example; b=x\n") + kMsg;
    for (int which = 0; which < 2; ++which) {
      auto p = dkim::HeaderPolicy::defaults();
      (which == 0 ? p.sign : p.oversign)
          .push_back(which == 0 ? "DKIM-Signature" : "dkim-signature");
      CPPUNIT_ASSERT(!dkim::validate_policy(p).ok());
      CPPUNIT_ASSERT(dkim::validate_policy(p).message().find(
                         "DKIM-Signature cannot be signed") != std::string::npos);
      Parsed m = parse(msg);
      dkim::Signer s({spec()}, p, 1);
      s.feed_body(m.body);
      auto r = s.finish(m.headers, m.eol);
      CPPUNIT_ASSERT(!r.ok());
      CPPUNIT_ASSERT_EQUAL(dkim::validate_policy(p).message(), r.message());
    }
    auto p = dkim::HeaderPolicy::defaults();
    p.omit.push_back("DKIM-Signature");  // never signing it is what the omit list is for
    CPPUNIT_ASSERT(dkim::validate_policy(p).ok());
    CPPUNIT_ASSERT(dkim::validate_policy(dkim::HeaderPolicy::defaults()).ok());
  }
  void testDeterministicEd25519SignatureForFixedTime() {
    CPPUNIT_ASSERT_EQUAL(sign(kMsg, {spec()}).at(0), sign(kMsg, {spec()}).at(0));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SignerTest);
