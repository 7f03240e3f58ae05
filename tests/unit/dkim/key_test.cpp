/// \file
/// Key parsing and signing: formats, size limits (RFC 8301), bad input.
#include "dkim/key.h"

#include <cppunit/extensions/HelperMacros.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "util/base64.h"
#include "util/c_handle.h"

using postseal::dkim::KeyType;
using postseal::dkim::PrivateKey;

namespace {

// PKCS#1 ("RSA PRIVATE KEY") PEM of a fresh RSA key of `bits`, made without our code.
std::string pkcs1_pem(int bits) {
  postseal::EvpPkey k(EVP_RSA_gen(static_cast<unsigned>(bits)));
  postseal::Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey_traditional(bio.get(), k.get(), nullptr, nullptr, 0, nullptr,
                                       nullptr);
  char* p = nullptr;
  long n = BIO_get_mem_data(bio.get(), &p);
  return std::string(p, static_cast<size_t>(n));
}

// What a BIO that `write` filled holds.
template <class Write>
std::string bio_bytes(Write write) {
  postseal::Bio bio(BIO_new(BIO_s_mem()));
  write(bio.get());
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
  CPPUNIT_TEST(testEveryEncodingOfOneRsaKeySignsLikeOpenssl);
  CPPUNIT_TEST(testEd25519Pkcs8DerParses);
  CPPUNIT_TEST(testOtherKeysStillReachOpensslsDecoder);
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
    for (const char* bad :
         {"", "not a key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
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
    CPPUNIT_ASSERT_EQUAL(
        1, EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pub.get()));
    CPPUNIT_ASSERT_EQUAL(
        1, EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig->data()),
                            sig->size(), reinterpret_cast<const unsigned char*>("abc"), 3));
  }
  void testEd25519PublicRecordMatchesRfc8463() {
    auto k = PrivateKey::parse("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=");
    CPPUNIT_ASSERT(k.ok());
    CPPUNIT_ASSERT_EQUAL(
        std::string("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="),
        k->public_record());
  }
  // PKCS#1 and PKCS#8, PEM, binary DER and base64 DER are read without OpenSSL's
  // generic decoder; each must give the very key OpenSSL itself holds: the same
  // public record and, PKCS#1 v1.5 being deterministic, the same signature bytes.
  void testEveryEncodingOfOneRsaKeySignsLikeOpenssl() {
    postseal::EvpPkey k(EVP_RSA_gen(1024));
    CPPUNIT_ASSERT(k);
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_Digest("abc", 3, md, &mdlen, EVP_sha256(), nullptr);
    postseal::EvpPkeyCtx ctx(EVP_PKEY_CTX_new(k.get(), nullptr));
    std::string want(256, '\0');
    size_t len = want.size();
    CPPUNIT_ASSERT(EVP_PKEY_sign_init(ctx.get()) == 1);
    CPPUNIT_ASSERT(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1);
    CPPUNIT_ASSERT(EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) == 1);
    CPPUNIT_ASSERT(EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(want.data()), &len,
                                 md, mdlen) == 1);
    want.resize(len);
    std::string pkcs1 = bio_bytes([&](BIO* b) {
      PEM_write_bio_PrivateKey_traditional(b, k.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    std::string pkcs8 = bio_bytes([&](BIO* b) {
      PEM_write_bio_PrivateKey(b, k.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    std::string pkcs8_der = bio_bytes([&](BIO* b) {
      i2d_PKCS8PrivateKey_bio(b, k.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    std::string pkcs1_der = *postseal::base64_decode(strip_armour(pkcs1));
    for (const std::string& enc : {pkcs1, pkcs8, pkcs8_der, pkcs1_der, strip_armour(pkcs1),
                                   strip_armour(pkcs8), "junk before\n" + pkcs8}) {
      auto parsed = PrivateKey::parse(enc);
      CPPUNIT_ASSERT_MESSAGE(parsed.message(), parsed.ok());
      CPPUNIT_ASSERT_EQUAL(1024, parsed->bits());
      auto sig = parsed->sign_digest(std::string_view(reinterpret_cast<char*>(md), mdlen));
      CPPUNIT_ASSERT(sig.ok());
      CPPUNIT_ASSERT(*sig == want);
    }
  }
  void testEd25519Pkcs8DerParses() {
    auto g = PrivateKey::generate(KeyType::kEd25519, 0);
    CPPUNIT_ASSERT(g.ok());
    auto der = postseal::base64_decode(strip_armour(g->private_pem()));
    CPPUNIT_ASSERT(der.ok());
    auto k = PrivateKey::parse(*der);
    CPPUNIT_ASSERT_MESSAGE(k.message(), k.ok());
    CPPUNIT_ASSERT_EQUAL(g->public_record(), k->public_record());
  }
  // Keys the direct path does not read go to OpenSSL's decoder, which decides: an EC
  // key parses there and is then refused by type; an encrypted key is refused.
  void testOtherKeysStillReachOpensslsDecoder() {
    postseal::EvpPkey ec(EVP_EC_gen("P-256"));
    std::string pem = bio_bytes([&](BIO* b) {
      PEM_write_bio_PrivateKey(b, ec.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    auto k = PrivateKey::parse(pem);
    CPPUNIT_ASSERT(!k.ok());
    CPPUNIT_ASSERT(k.message().find("unsupported key type") != std::string::npos);
    postseal::EvpPkey rsa(EVP_RSA_gen(1024));
    std::string encrypted = bio_bytes([&](BIO* b) {
      PEM_write_bio_PKCS8PrivateKey(b, rsa.get(), EVP_aes_128_cbc(), nullptr, 0, nullptr,
                                    const_cast<char*>("secret"));
    });
    CPPUNIT_ASSERT(encrypted.find("ENCRYPTED PRIVATE KEY") != std::string::npos);
    CPPUNIT_ASSERT(!PrivateKey::parse(encrypted).ok());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(KeyTest);
