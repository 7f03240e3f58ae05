/// \file
/// Key record checks for the operator tools (dkim/key_probe.h) against an in-memory
/// resolver: one test per outcome, the CNAME chain hop by hop, and the order in which
/// problems are reported.
#include "dkim/key_probe.h"

#include <cppunit/extensions/HelperMacros.h>
#include <openssl/x509.h>

#include "dkim/key.h"
#include "dns/static_resolver.h"
#include "openssl_keys.h"

using postseal::dkim::KeyOutcome;
using postseal::dkim::KeyType;
using postseal::dkim::PrivateKey;
using postseal::dkim::probe_key;
using postseal::dns::StaticResolver;

namespace {

const char kName[] = "s1._domainkey.example.com";

PrivateKey make_key(KeyType t = KeyType::kRsa, int bits = 2048) {
  auto k = PrivateKey::generate(t, bits);
  CPPUNIT_ASSERT(k.ok());
  return std::move(k).value();
}

bool mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

class KeyProbeTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(KeyProbeTest);
  CPPUNIT_TEST(testMatchingKeyIsOk);
  CPPUNIT_TEST(testRecordWithoutKeyFileIsOk);
  CPPUNIT_TEST(testMissingRecordIsNotFound);
  CPPUNIT_TEST(testOtherKeyIsMismatch);
  CPPUNIT_TEST(testTestModeIsReported);
  CPPUNIT_TEST(testEmptyPIsRevoked);
  CPPUNIT_TEST(testShortRsaKeyIsTooShortPerRfc8301);
  CPPUNIT_TEST(testBigRecordIsTcpOnly);
  CPPUNIT_TEST(testCnameChainIsShownHopByHop);
  CPPUNIT_TEST(testCnameToMissingNameIsBroken);
  CPPUNIT_TEST(testPastedQuotesAreBadSplit);
  CPPUNIT_TEST(testKeySplitIntoRecordsIsBadSplit);
  CPPUNIT_TEST(testSyntaxErrorIsInvalid);
  CPPUNIT_TEST(testDnsFailureIsNeverAVerdict);
  CPPUNIT_TEST(testEd25519KeyMatches);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testMatchingKeyIsOk() {
    PrivateKey k = make_key();
    StaticResolver r;
    r.add_txt(kName, k.public_record());
    auto p = probe_key(r, "Example.COM.", "s1", &k);
    CPPUNIT_ASSERT_EQUAL(std::string("ok"), std::string(to_string(p.outcome)));
    CPPUNIT_ASSERT_EQUAL(2048, p.bits);
    CPPUNIT_ASSERT_EQUAL(std::string(kName), p.name);
    CPPUNIT_ASSERT(mentions(p.message, "matches the private key"));
  }
  void testRecordWithoutKeyFileIsOk() {
    PrivateKey k = make_key();
    StaticResolver r;
    r.add_txt(kName, k.public_record());
    CPPUNIT_ASSERT(probe_key(r, "example.com", "s1", nullptr).outcome == KeyOutcome::kOk);
  }
  void testMissingRecordIsNotFound() {
    StaticResolver r;
    r.add_txt("example.com", "v=spf1 -all");
    auto p = probe_key(r, "example.com", "s1", nullptr);
    CPPUNIT_ASSERT(p.outcome == KeyOutcome::kNotFound);
    CPPUNIT_ASSERT(mentions(p.message, "no TXT record at s1._domainkey.example.com"));
    CPPUNIT_ASSERT(mentions(p.message, "owner name s1._domainkey"));
  }
  void testOtherKeyIsMismatch() {
    PrivateKey published = make_key(), mine = make_key();
    StaticResolver r;
    r.add_txt(kName, published.public_record());
    auto p = probe_key(r, "example.com", "s1", &mine);
    CPPUNIT_ASSERT(p.outcome == KeyOutcome::kMismatch);
    CPPUNIT_ASSERT(mentions(p.message, "not the public half"));
    // An Ed25519 record for an RSA key file is a mismatch too.
    PrivateKey ed = make_key(KeyType::kEd25519);
    StaticResolver r2;
    r2.add_txt(kName, ed.public_record());
    CPPUNIT_ASSERT(probe_key(r2, "example.com", "s1", &mine).outcome == KeyOutcome::kMismatch);
  }
  void testTestModeIsReported() {
    PrivateKey k = make_key();
    std::string rec = k.public_record();
    rec.insert(rec.find("p="), "t=y; ");
    StaticResolver r;
    r.add_txt(kName, rec);
    auto p = probe_key(r, "example.com", "s1", &k);
    CPPUNIT_ASSERT(p.outcome == KeyOutcome::kTesting);
    CPPUNIT_ASSERT(mentions(p.message, "t=y"));
    // A mismatch is worse than test mode and is reported instead.
    PrivateKey other = make_key();
    CPPUNIT_ASSERT(probe_key(r, "example.com", "s1", &other).outcome == KeyOutcome::kMismatch);
  }
  void testEmptyPIsRevoked() {
    PrivateKey k = make_key();
    StaticResolver r;
    r.add_txt(kName, "v=DKIM1; k=rsa; p=");
    auto p = probe_key(r, "example.com", "s1", &k);
    CPPUNIT_ASSERT(p.outcome == KeyOutcome::kRevoked);
    CPPUNIT_ASSERT(mentions(p.message, "revoked"));
  }
  void testShortRsaKeyIsTooShortPerRfc8301() {
    StaticResolver r;
    r.add_txt(kName, "v=DKIM1; k=rsa; p=" + postseal::testing::rsa_public_b64(512, i2d_PUBKEY));
    auto p = probe_key(r, "example.com", "s1", nullptr);
    CPPUNIT_ASSERT(p.outcome == KeyOutcome::kTooShort);
    CPPUNIT_ASSERT_EQUAL(512, p.bits);
    CPPUNIT_ASSERT(mentions(p.message, "RFC 8301"));
  }
  void testBigRecordIsTcpOnly() {
    PrivateKey k = make_key(KeyType::kRsa, 4096);
    StaticResolver r;
    r.add_txt(kName, k.public_record());
    auto p = probe_key(r, "example.com", "s1", &k);
    CPPUNIT_ASSERT(p.outcome == KeyOutcome::kTcpOnly);
    CPPUNIT_ASSERT(p.answer_size > 512);
    CPPUNIT_ASSERT(mentions(p.message, "TCP"));
  }
  void testCnameChainIsShownHopByHop() {
    PrivateKey k = make_key();
    StaticResolver r;
    r.add_cname(kName, "abc._domainkey.relay.example.net");
    r.add_cname("abc._domainkey.relay.example.net", "abc.dkim.amazonses.example");
    r.add_txt("abc.dkim.amazonses.example", k.public_record());
    auto p = probe_key(r, "example.com", "s1", &k);
    CPPUNIT_ASSERT(p.outcome == KeyOutcome::kOk);
    CPPUNIT_ASSERT_EQUAL(size_t{2}, p.hops.size());
    CPPUNIT_ASSERT_EQUAL(std::string(kName) + " CNAME abc._domainkey.relay.example.net",
                         p.hops[0]);
    CPPUNIT_ASSERT_EQUAL(std::string("abc._domainkey.relay.example.net CNAME "
                                     "abc.dkim.amazonses.example"),
                         p.hops[1]);
  }
  void testCnameToMissingNameIsBroken() {
    StaticResolver r;
    r.add_cname(kName, "abc.dkim.amazonses.exmaple");
    auto p = probe_key(r, "example.com", "s1", nullptr);
    CPPUNIT_ASSERT(p.outcome == KeyOutcome::kCnameBroken);
    CPPUNIT_ASSERT_EQUAL(size_t{1}, p.hops.size());
    CPPUNIT_ASSERT(mentions(p.message, "ends at abc.dkim.amazonses.exmaple"));
  }
  void testPastedQuotesAreBadSplit() {
    PrivateKey k = make_key();
    std::string rec = k.public_record();
    StaticResolver r;
    r.add_txt(kName, rec.substr(0, 100) + "\" \"" + rec.substr(100));
    auto p = probe_key(r, "example.com", "s1", &k);
    CPPUNIT_ASSERT(p.outcome == KeyOutcome::kBadSplit);
    CPPUNIT_ASSERT(mentions(p.message, "quote"));
  }
  void testKeySplitIntoRecordsIsBadSplit() {
    PrivateKey k = make_key();
    std::string rec = k.public_record();
    StaticResolver r;
    r.add_txt(kName, rec.substr(0, 200));
    r.add_txt(kName, rec.substr(200));
    auto p = probe_key(r, "example.com", "s1", &k);
    CPPUNIT_ASSERT(p.outcome == KeyOutcome::kBadSplit);
    CPPUNIT_ASSERT(mentions(p.message, "2 TXT records"));
  }
  void testSyntaxErrorIsInvalid() {
    StaticResolver r;
    r.add_txt(kName, "v=DKIM1; k=dsa; p=AAAA");
    auto p = probe_key(r, "example.com", "s1", nullptr);
    CPPUNIT_ASSERT(p.outcome == KeyOutcome::kInvalid);
    CPPUNIT_ASSERT(mentions(p.message, "k=dsa"));
  }
  void testDnsFailureIsNeverAVerdict() {
    StaticResolver r;
    r.fail(kName, postseal::dns::Status::kTempError, "SERVFAIL");
    auto p = probe_key(r, "example.com", "s1", nullptr);
    CPPUNIT_ASSERT(p.outcome == KeyOutcome::kDnsError);
    CPPUNIT_ASSERT(mentions(p.message, "SERVFAIL"));
  }
  void testEd25519KeyMatches() {
    PrivateKey k = make_key(KeyType::kEd25519);
    StaticResolver r;
    r.add_txt(kName, k.public_record());
    auto p = probe_key(r, "example.com", "s1", &k);
    CPPUNIT_ASSERT(p.outcome == KeyOutcome::kOk);
    CPPUNIT_ASSERT(mentions(p.message, "Ed25519"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(KeyProbeTest);
