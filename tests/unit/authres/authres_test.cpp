/// \file
/// Authentication-Results (RFC 8601): writing, folding, quoting, parsing the RFC's
/// forms, refusing hostile input, and finding fields that claim our authserv-id.
#include "authres/authres.h"

#include <random>
#include <sstream>

#include <cppunit/extensions/HelperMacros.h>

#include "dns/static_resolver.h"
#include "mail/message_parser.h"

using namespace postseal;
using authres::AuthenticationResults;
using authres::Property;
using authres::ResultInfo;

namespace {

AuthenticationResults dkim_pass() {
  AuthenticationResults ar;
  ar.authserv_id = "mx.example.org";
  ResultInfo r;
  r.method = "dkim";
  r.result = "pass";
  r.properties = {{"header", "d", "example.com"},
                  {"header", "s", "s2026"},
                  {"header", "i", "@example.com"},
                  {"header", "b", "abcdefgh"}};
  ar.results.push_back(r);
  return ar;
}

std::string error_of(std::string_view value) {
  auto r = authres::parse(value);
  CPPUNIT_ASSERT_MESSAGE(std::string(value), !r.ok());
  return r.message();
}

mail::HeaderField field(const std::string& raw) { return mail::HeaderField{raw}; }

}  // namespace

class AuthresTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AuthresTest);
  CPPUNIT_TEST(testWritesMethodResultAndProperties);
  CPPUNIT_TEST(testWritesCommentAfterResultAndSeparatesResults);
  CPPUNIT_TEST(testWritesNoneWithoutResults);
  CPPUNIT_TEST(testQuotesValuesThatAreNotTokens);
  CPPUNIT_TEST(testEscapesCommentText);
  CPPUNIT_TEST(testFoldsLongFieldsWithin78Columns);
  CPPUNIT_TEST(testParsesRfc8601Examples);
  CPPUNIT_TEST(testParsesCommentsQuotedStringsAndReason);
  CPPUNIT_TEST(testParsesNone);
  CPPUNIT_TEST(testWrittenFieldParsesBackToTheSameResults);
  CPPUNIT_TEST(testRefusesMalformedFields);
  CPPUNIT_TEST(testRefusesHostileSizes);
  CPPUNIT_TEST(testFindsFieldsClaimingOurAuthservId);
  CPPUNIT_TEST(testDkimResultBecomesResinfoWithReasonAndSigner);
  CPPUNIT_TEST(testBrokenDkimSignaturesStillNameTheSigner);
  CPPUNIT_TEST(testMutatedFieldsParseOrFailCleanly);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testWritesMethodResultAndProperties() {
    CPPUNIT_ASSERT_EQUAL(std::string("mx.example.org; dkim=pass header.d=example.com "
                                     "header.s=s2026 header.i=@example.com header.b=abcdefgh"),
                         authres::format_value(dkim_pass()));
  }
  void testWritesCommentAfterResultAndSeparatesResults() {
    auto ar = dkim_pass();
    ResultInfo f;
    f.method = "dkim";
    f.result = "fail";
    f.comment = "body hash did not verify";
    f.properties = {{"header", "d", "example.net"}};
    ar.results.push_back(f);
    std::string v = authres::format_value(ar);
    CPPUNIT_ASSERT(v.find("header.b=abcdefgh; dkim=fail (body hash did not verify) "
                          "header.d=example.net") != std::string::npos);
  }
  void testWritesNoneWithoutResults() {
    AuthenticationResults ar;
    ar.authserv_id = "mx.example.org";
    CPPUNIT_ASSERT_EQUAL(std::string("mx.example.org; none"), authres::format_value(ar));
    ar.results.push_back(ResultInfo{"dkim", "none", "", "", {}});
    CPPUNIT_ASSERT_EQUAL(std::string("Authentication-Results: mx.example.org; dkim=none\n"),
                         authres::format_field(ar, "\n"));
  }
  void testQuotesValuesThatAreNotTokens() {
    auto ar = dkim_pass();
    ar.results[0].properties = {{"header", "b", "ab/+cd=e"},
                                {"header", "i", "joe.q@mail.example.com"},
                                {"header", "x", "say \"hi\""},
                                {"policy", "y", "a;b"}};
    std::string v = authres::format_value(ar);
    CPPUNIT_ASSERT(v.find("header.b=ab/+cd=e ") != std::string::npos);
    CPPUNIT_ASSERT(v.find("policy.y=\"a;b\"") != std::string::npos);
    CPPUNIT_ASSERT(v.find("header.i=joe.q@mail.example.com") != std::string::npos);
    CPPUNIT_ASSERT(v.find("header.x=\"say \\\"hi\\\"\"") != std::string::npos);
  }
  void testEscapesCommentText() {
    auto ar = dkim_pass();
    ar.results[0].comment = "a (nested) \\ one\x01";
    std::string v = authres::format_value(ar);
    CPPUNIT_ASSERT(v.find("(a \\(nested\\) \\\\ one?)") != std::string::npos);
    auto back = authres::parse(v);
    CPPUNIT_ASSERT_MESSAGE(back.message(), back.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("a (nested) \\ one?"), back->results[0].comment);
  }
  void testFoldsLongFieldsWithin78Columns() {
    auto ar = dkim_pass();
    for (int i = 0; i < 5; ++i) ar.results.push_back(ar.results[0]);
    ar.results[2].comment = "a rather long reason that goes on and on so that it must fold";
    std::string f = authres::format_field(ar, "\r\n");
    std::istringstream in(f);
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) {
      ++lines;
      CPPUNIT_ASSERT_MESSAGE(line, line.size() <= 79);  // 78 + the CR
      CPPUNIT_ASSERT(line.back() == '\r');
      if (lines > 1) CPPUNIT_ASSERT(line[0] == '\t');
    }
    CPPUNIT_ASSERT(lines > 3);
    auto back = authres::parse(f.substr(f.find(':') + 1));
    CPPUNIT_ASSERT_MESSAGE(back.message(), back.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(6), back->results.size());
  }
  void testParsesRfc8601Examples() {
    // RFC 8601 Appendix B.3 and B.5 style fields.
    auto a = authres::parse(" example.com;\r\n          spf=pass smtp.mailfrom=example.net");
    CPPUNIT_ASSERT_MESSAGE(a.message(), a.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("example.com"), a->authserv_id);
    CPPUNIT_ASSERT_EQUAL(std::string("spf"), a->results.at(0).method);
    CPPUNIT_ASSERT_EQUAL(std::string("pass"), a->results[0].result);
    CPPUNIT_ASSERT_EQUAL(std::string("smtp"), a->results[0].properties.at(0).ptype);
    CPPUNIT_ASSERT_EQUAL(std::string("mailfrom"), a->results[0].properties[0].property);
    CPPUNIT_ASSERT_EQUAL(std::string("example.net"), a->results[0].properties[0].value);
    auto b = authres::parse(
        " example.com;\r\n    auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n"
        "    spf=pass smtp.mailfrom=example.net;\r\n"
        "    sender-id=pass header.from=example.net");
    CPPUNIT_ASSERT_MESSAGE(b.message(), b.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(3), b->results.size());
    CPPUNIT_ASSERT_EQUAL(std::string("cram-md5"), b->results[0].comment);
    CPPUNIT_ASSERT_EQUAL(std::string("sender@example.net"), b->results[0].properties[0].value);
    CPPUNIT_ASSERT_EQUAL(std::string("sender-id"), b->results[2].method);
    auto c = authres::parse(" mx.example.org 1; dkim/1=PASS header.d=Example.COM");
    CPPUNIT_ASSERT_MESSAGE(c.message(), c.ok());
    CPPUNIT_ASSERT(c->version && *c->version == 1);
    CPPUNIT_ASSERT_EQUAL(std::string("dkim"), c->results[0].method);
    CPPUNIT_ASSERT_EQUAL(std::string("pass"), c->results[0].result);
    CPPUNIT_ASSERT_EQUAL(std::string("Example.COM"), c->results[0].properties[0].value);
  }
  void testParsesCommentsQuotedStringsAndReason() {
    auto r = authres::parse(
        " (ours) \"mx.example.org\" (v) ; dkim = fail (bad (very) bad) reason=\"body hash\" "
        "header . d = example.com header.b=\"ab/c+d=\" (trailing)");
    CPPUNIT_ASSERT_MESSAGE(r.message(), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("mx.example.org"), r->authserv_id);
    const ResultInfo& i = r->results.at(0);
    CPPUNIT_ASSERT_EQUAL(std::string("fail"), i.result);
    CPPUNIT_ASSERT_EQUAL(std::string("bad (very) bad"), i.comment);
    CPPUNIT_ASSERT_EQUAL(std::string("body hash"), i.reason);
    CPPUNIT_ASSERT_EQUAL(size_t(2), i.properties.size());
    CPPUNIT_ASSERT_EQUAL(std::string("example.com"), i.properties[0].value);
    CPPUNIT_ASSERT_EQUAL(std::string("ab/c+d="), i.properties[1].value);
  }
  void testParsesNone() {
    auto r = authres::parse(" mx.example.org; none");
    CPPUNIT_ASSERT_MESSAGE(r.message(), r.ok());
    CPPUNIT_ASSERT(r->results.empty());
    auto d = authres::parse(" mx.example.org; dkim=none");
    CPPUNIT_ASSERT(d.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("none"), d->results.at(0).result);
  }
  void testWrittenFieldParsesBackToTheSameResults() {
    auto ar = dkim_pass();
    ar.results[0].comment = "testing key";
    ar.results[0].properties.push_back({"header", "b", "Zm9v/+8="});
    auto back = authres::parse(authres::format_value(ar));
    CPPUNIT_ASSERT_MESSAGE(back.message(), back.ok());
    CPPUNIT_ASSERT_EQUAL(ar.authserv_id, back->authserv_id);
    CPPUNIT_ASSERT_EQUAL(ar.results[0].comment, back->results[0].comment);
    CPPUNIT_ASSERT_EQUAL(ar.results[0].properties.size(), back->results[0].properties.size());
    for (size_t i = 0; i < ar.results[0].properties.size(); ++i) {
      const Property& a = ar.results[0].properties[i];
      const Property& b = back->results[0].properties[i];
      CPPUNIT_ASSERT(a.ptype == b.ptype && a.property == b.property && a.value == b.value);
    }
  }
  void testRefusesMalformedFields() {
    CPPUNIT_ASSERT(!error_of("").empty());
    CPPUNIT_ASSERT(error_of(" ; dkim=pass").find("authserv-id") != std::string::npos);
    CPPUNIT_ASSERT(error_of(" mx.example.org").find("no results") != std::string::npos);
    CPPUNIT_ASSERT(error_of(" mx; dkim pass").find("'='") != std::string::npos);
    CPPUNIT_ASSERT(error_of(" mx; dkim=pass (open").find("unterminated comment") !=
                   std::string::npos);
    CPPUNIT_ASSERT(error_of(" mx; dkim=pass header.d=\"open").find("unterminated quoted") !=
                   std::string::npos);
    CPPUNIT_ASSERT(error_of(" mx; dkim=pass header=x").find("'.'") != std::string::npos);
    CPPUNIT_ASSERT(error_of(" mx; dkim=pass; none").find("none") != std::string::npos);
    CPPUNIT_ASSERT(error_of(" mx; dkim=").find("result") != std::string::npos);
  }
  void testRefusesHostileSizes() {
    std::string deep = " mx; dkim=pass " + std::string(100, '(') + std::string(100, ')');
    CPPUNIT_ASSERT(error_of(deep).find("nested") != std::string::npos);
    std::string many = " mx";
    for (int i = 0; i < 100; ++i) many += "; dkim=pass";
    CPPUNIT_ASSERT(error_of(many).find("too many results") != std::string::npos);
    std::string props = " mx; dkim=pass";
    for (int i = 0; i < 40; ++i) props += " header.d=x";
    CPPUNIT_ASSERT(error_of(props).find("too many properties") != std::string::npos);
    CPPUNIT_ASSERT(
        error_of(" mx; dkim=pass (" + std::string(70000, 'a') + ")").find("longer") !=
        std::string::npos);
  }
  void testFindsFieldsClaimingOurAuthservId() {
    std::vector<mail::HeaderField> fields = {
        field("Received: from x\n"),
        field("Authentication-Results: MX.Example.ORG; dkim=pass header.d=evil.test\n"),
        field("Authentication-Results: other.example; dkim=pass\n"),
        field("authentication-results: (c) mx.example.org; garbage ((\n"),
        field("X-Authentication-Results: mx.example.org; dkim=pass\n"),
        field("Authentication-Results: mx.example.org.evil.test; dkim=pass\n"),
    };
    std::vector<size_t> want = {1, 3};
    CPPUNIT_ASSERT(authres::fields_claiming(fields, "mx.example.org") == want);
    CPPUNIT_ASSERT(authres::fields_claiming(fields, "nobody.example").empty());
  }
  void testDkimResultBecomesResinfoWithReasonAndSigner() {
    dkim::SignatureResult r;
    r.verdict = dkim::Verdict::kFail;
    r.reason = "body hash did not verify";
    r.domain = "example.com";
    r.selector = "s2026";
    r.identity = "@example.com";
    r.algorithm = "rsa-sha256";
    r.b_prefix = "ab/cdefg";
    r.testing = true;
    r.body_limit = 10;
    r.body_length = 12;
    AuthenticationResults ar;
    ar.authserv_id = "mx.example.org";
    ar.results.push_back(authres::dkim_resinfo(r));
    CPPUNIT_ASSERT_EQUAL(
        std::string("mx.example.org; dkim=fail (body hash did not verify, t=y: key in testing "
                    "mode, l=10 of 12 body bytes signed) header.d=example.com "
                    "header.i=@example.com header.s=s2026 header.a=rsa-sha256 "
                    "header.b=ab/cdefg"),
        authres::format_value(ar));
    dkim::SignatureResult bare;
    bare.verdict = dkim::Verdict::kPermError;
    auto info = authres::dkim_resinfo(bare);
    CPPUNIT_ASSERT_EQUAL(std::string("permerror"), info.result);
    CPPUNIT_ASSERT(info.properties.empty() && info.comment.empty());
  }
  void testBrokenDkimSignaturesStillNameTheSigner() {
    // Verified through dkim::Verifier, so the d= and s= come from where it finds them:
    // RFC 6376 §6.1.3 fail, §6.1.1 permerror, and a §3.2-invalid tag list.
    const std::string body = "\nbody\n";
    auto verify = [&](const std::string& tags) {
      mail::MessageParser p;
      CPPUNIT_ASSERT(p.feed("DKIM-Signature: " + tags + "\nFrom: a@example.com\n" + body).ok());
      CPPUNIT_ASSERT(p.finish().ok());
      dns::StaticResolver dns;
      dkim::Verifier v(p.headers(), dns, 1700000000);
      v.feed_body(body.substr(1));
      auto r = v.finish();
      CPPUNIT_ASSERT_EQUAL(size_t(1), r.size());
      AuthenticationResults ar;
      ar.authserv_id = "mx.example.org";
      ar.results.push_back(authres::dkim_resinfo(r[0]));
      return authres::format_value(ar);
    };
    const std::string tags = "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; ";
    CPPUNIT_ASSERT_EQUAL(std::string("mx.example.org; dkim=fail (body hash did not verify) "
                                     "header.d=example.com header.s=sel header.a=rsa-sha256 "
                                     "header.b=AAAA"),
                         verify(tags + "bh=AAAA; b=AAAA"));
    CPPUNIT_ASSERT_EQUAL(std::string("mx.example.org; dkim=permerror (missing bh= tag) "
                                     "header.d=example.com header.s=sel header.a=rsa-sha256 "
                                     "header.b=AAAA"),
                         verify(tags + "b=AAAA"));
    CPPUNIT_ASSERT_EQUAL(std::string("mx.example.org; dkim=permerror (malformed signature: "
                                     "tag without '=', d= and s= read best-effort from an "
                                     "invalid tag list) header.d=example.com header.s=sel"),
                         verify(tags + "bh=AAAA; b"));
  }
  void testMutatedFieldsParseOrFailCleanly() {
    // Hostile input: random edits of a rich field, biased to the grammar's own
    // characters. Each parse either fails with a reason or gives results that survive
    // being written and read again.
    const std::string seed =
        " (c) \"mx.example.org\" 1; dkim=pass (a (b) c) reason=\"x y\" header.d=example.com "
        "header.i=@example.com header.b=ab/+c=; spf=fail smtp.mailfrom=a@b.example";
    const std::string alphabet = "();=\".\\@/ \t\r\nabz09-_\x01\xff";
    std::mt19937 rng(8601);
    size_t parsed = 0, refused = 0;
    for (int i = 0; i < 20000; ++i) {
      std::string v = seed;
      for (int edits = 1 + static_cast<int>(rng() % 4); edits > 0; --edits) {
        size_t pos = rng() % (v.size() + 1);
        char c = alphabet[rng() % alphabet.size()];
        switch (rng() % 3) {
          case 0:
            v.insert(pos, 1, c);
            break;
          case 1:
            if (pos < v.size()) v.erase(pos, 1);
            break;
          default:
            if (pos < v.size()) v[pos] = c;
            break;
        }
      }
      auto r = authres::parse(v);
      if (!r.ok()) {
        CPPUNIT_ASSERT_MESSAGE(v, !r.message().empty());
        ++refused;
        continue;
      }
      ++parsed;
      auto again = authres::parse(authres::format_value(*r));
      CPPUNIT_ASSERT_MESSAGE(v + " -> " + authres::format_value(*r), again.ok());
      CPPUNIT_ASSERT_EQUAL(r->results.size(), again->results.size());
    }
    // Both paths were taken, many times.
    CPPUNIT_ASSERT(parsed > 1000 && refused > 1000);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AuthresTest);
