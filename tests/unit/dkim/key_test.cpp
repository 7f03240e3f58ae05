/// \file
/// Key parsing and signing: formats, size limits (RFC 8301), bad input.
#include <cppunit/extensions/HelperMacros.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "dkim/key.h"
#include "util/base64.h"
#include "util/c_handle.h"

using postseal::dkim::KeyType;
using postseal::dkim::PrivateKey;

namespace {

// PKCS#1 ("RSA PRIVATE KEY") PEM of a fresh RSA key of `bits`, made without our code.
std::string pkcs1_pem(int bits) {
  postseal::EvpPkey k(EVP_RSA_gen(static_cast<unsigned>(bits)));
  postseal::Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey_traditional(bio.get(), k.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* p = nullptr;
  long n = BIO_get_mem_data(bio.get(), &p);
  return std::string(p, static_cast<size_t>(n));
}

std::string strip_armour(const std::string& pem) {
  std::string out;
  size_t pos = 0;
  while (pos < pem.size()) {
    size_t nl = pem.find('\n', pos);
    std::string line = pem.substr(pos, nl - pos);
    if (line.rfind("-----", 0) != 0) out += line;
    pos = nl == std::string::npos ? pem.size() : nl + 1;
  }
  return out;
}

}  // namespace

class KeyTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(KeyTest);
  CPPUNIT_TEST(testParsesPkcs1Pem);
  CPPUNIT_TEST(testParsesPkcs8PemFromGenerate);
  CPPUNIT_TEST(testParsesBase64DerWithoutArmour);
  CPPUNIT_TEST(testParsesRawEd25519Seed);
  CPPUNIT_TEST(testRefusesRsaUnder1024Bits);
  CPPUNIT_TEST(testRefusesGarbageWithAReason);
  CPPUNIT_TEST(testRsaSignatureVerifiesWithPublicRecord);
  CPPUNIT_TEST(testEd25519PublicRecordMatchesRfc8463);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testParsesPkcs1Pem() {
    auto k = PrivateKey::parse(pkcs1_pem(1024));
    CPPUNIT_ASSERT_MESSAGE(k.message(), k.ok());
    CPPUNIT_ASSERT(k->type() == KeyType::kRsa);
    CPPUNIT_ASSERT_EQUAL(1024, k->bits());
  }
  void testParsesPkcs8PemFromGenerate() {
    auto g = PrivateKey::generate(KeyType::kEd25519, 0);
    CPPUNIT_ASSERT(g.ok());
    std::string pem = g->private_pem();
    CPPUNIT_ASSERT(pem.find("BEGIN PRIVATE KEY") != std::string::npos);
    auto k = PrivateKey::parse(pem);
    CPPUNIT_ASSERT(k.ok());
    CPPUNIT_ASSERT_EQUAL(g->public_record(), k->public_record());
  }
  void testParsesBase64DerWithoutArmour() {
    auto k = PrivateKey::parse(strip_armour(pkcs1_pem(1024)));
    CPPUNIT_ASSERT_MESSAGE(k.message(), k.ok());
    CPPUNIT_ASSERT(k->type() == KeyType::kRsa);
  }
  void testParsesRawEd25519Seed() {
    auto k = PrivateKey::parse("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=");
    CPPUNIT_ASSERT(k.ok());
    CPPUNIT_ASSERT(k->type() == KeyType::kEd25519);
  }
  void testRefusesRsaUnder1024Bits() {
    auto k = PrivateKey::parse(pkcs1_pem(768));
    CPPUNIT_ASSERT(!k.ok());
    CPPUNIT_ASSERT(k.message().find("too short") != std::string::npos);
    CPPUNIT_ASSERT(!PrivateKey::generate(KeyType::kRsa, 512).ok());
  }
  void testRefusesGarbageWithAReason() {
    for (const char* bad : {"", "not a key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                            "QUJD"}) {
      auto k = PrivateKey::parse(bad);
      CPPUNIT_ASSERT(!k.ok());
      CPPUNIT_ASSERT(!k.message().empty());
    }
  }
  void testRsaSignatureVerifiesWithPublicRecord() {
    auto k = PrivateKey::generate(KeyType::kRsa, 1024);
    CPPUNIT_ASSERT(k.ok());
    unsigned char md[32];
    unsigned int len = 0;
    EVP_Digest("abc", 3, md, &len, EVP_sha256(), nullptr);
    auto sig = k->sign_digest(std::string_view(reinterpret_cast<char*>(md), len));
    CPPUNIT_ASSERT(sig.ok());
    std::string rec = k->public_record();
    auto der = postseal::base64_decode(rec.substr(rec.find("p=") + 2));
    CPPUNIT_ASSERT(der.ok());
    auto* p = reinterpret_cast<const unsigned char*>(der->data());
    postseal::EvpPkey pub(d2i_PUBKEY(nullptr, &p, static_cast<long>(der->size())));
    CPPUNIT_ASSERT(pub);
    postseal::EvpMdCtx ctx(EVP_MD_CTX_new());
    CPPUNIT_ASSERT_EQUAL(1, EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pub.get()));
    CPPUNIT_ASSERT_EQUAL(1, EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig->data()),
                                             sig->size(), reinterpret_cast<const unsigned char*>("abc"), 3));
  }
  void testEd25519PublicRecordMatchesRfc8463() {
    auto k = PrivateKey::parse("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=");
    CPPUNIT_ASSERT(k.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="),
                         k->public_record());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(KeyTest);
