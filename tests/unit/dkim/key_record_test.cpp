/// \file
/// Key records (RFC 6376 §3.6.1, RFC 8463): every tag rule, both RSA encodings, Ed25519,
/// revocation, hostile input, and signature checks with the parsed key.
#include "dkim/key_record.h"

#include <cppunit/extensions/HelperMacros.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "dkim/key.h"
#include "openssl_keys.h"
#include "util/base64.h"
#include "util/c_handle.h"

using postseal::dkim::KeyType;
using postseal::dkim::parse_key_record;
using postseal::dkim::PrivateKey;

namespace {

// RFC 8463 §A.2's Ed25519 public key.
const char kEd25519P[] = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

std::string rsa_spki_b64(int bits) {
  return postseal::testing::rsa_public_b64(bits, i2d_PUBKEY);
}
std::string rsa_pkcs1_b64(int bits) {
  return postseal::testing::rsa_public_b64(bits, i2d_PublicKey);
}

std::string error_of(std::string_view record) {
  auto r = parse_key_record(record);
  CPPUNIT_ASSERT_MESSAGE(std::string(record), !r.ok());
  return r.message();
}

bool mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

class KeyRecordTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(KeyRecordTest);
  CPPUNIT_TEST(testRsaSubjectPublicKeyInfoParsesWithItsSize);
  CPPUNIT_TEST(testBarePkcs1RsaPublicKeyIsAccepted);
  CPPUNIT_TEST(testEd25519RawKeyParses);
  CPPUNIT_TEST(testEd25519KeyOfWrongLengthIsAnError);
  CPPUNIT_TEST(testRsaIsTheDefaultKeyType);
  CPPUNIT_TEST(testVersionMustBeDkim1);
  CPPUNIT_TEST(testVersionMustBeTheFirstTag);
  CPPUNIT_TEST(testUnknownKeyTypeIsAnError);
  CPPUNIT_TEST(testKeyTypeMustMatchTheKeyData);
  CPPUNIT_TEST(testHashListMustAllowSha256);
  CPPUNIT_TEST(testServiceTypeMustCoverEmail);
  CPPUNIT_TEST(testFlagsTestingAndStrictAreRead);
  CPPUNIT_TEST(testEmptyPMeansRevoked);
  CPPUNIT_TEST(testMissingPIsAnError);
  CPPUNIT_TEST(testBadBase64IsAnError);
  CPPUNIT_TEST(testFoldingWhitespaceInsidePIsAllowed);
  CPPUNIT_TEST(testDuplicateTagIsAnError);
  CPPUNIT_TEST(testHugeRecordIsRefused);
  CPPUNIT_TEST(testHugeTagListIsRefused);
  CPPUNIT_TEST(testUnknownTagsAreIgnored);
  CPPUNIT_TEST(testShortRsaKeyParsesWithItsSize);
  CPPUNIT_TEST(testVerifyDigestAcceptsOnlyTheRightSignature);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testRsaSubjectPublicKeyInfoParsesWithItsSize() {
    auto r = parse_key_record("v=DKIM1; k=rsa; p=" + rsa_spki_b64(2048));
    CPPUNIT_ASSERT_MESSAGE(r.message(), r.ok());
    CPPUNIT_ASSERT(r->type == KeyType::kRsa);
    CPPUNIT_ASSERT_EQUAL(2048, r->bits);
    CPPUNIT_ASSERT(r->key != nullptr);
    CPPUNIT_ASSERT(!r->revoked && !r->testing && !r->strict);
  }
  void testBarePkcs1RsaPublicKeyIsAccepted() {
    auto r = parse_key_record("v=DKIM1; p=" + rsa_pkcs1_b64(1024));
    CPPUNIT_ASSERT_MESSAGE(r.message(), r.ok());
    CPPUNIT_ASSERT_EQUAL(1024, r->bits);
  }
  void testEd25519RawKeyParses() {
    auto r = parse_key_record(std::string("v=DKIM1; k=ed25519; p=") + kEd25519P);
    CPPUNIT_ASSERT_MESSAGE(r.message(), r.ok());
    CPPUNIT_ASSERT(r->type == KeyType::kEd25519);
    CPPUNIT_ASSERT_EQUAL(256, r->bits);
  }
  void testEd25519KeyOfWrongLengthIsAnError() {
    CPPUNIT_ASSERT(mentions(error_of("k=ed25519; p=" + rsa_spki_b64(1024)), "32 bytes"));
  }
  void testRsaIsTheDefaultKeyType() {
    // An Ed25519 key without k= is read as RSA data, which it is not.
    CPPUNIT_ASSERT(mentions(error_of(std::string("p=") + kEd25519P), "RSA"));
  }
  void testVersionMustBeDkim1() {
    CPPUNIT_ASSERT(mentions(error_of("v=DKIM2; p=" + rsa_spki_b64(1024)), "DKIM1"));
    CPPUNIT_ASSERT(mentions(error_of("v=spf1 -all"), "DKIM1"));
  }
  void testVersionMustBeTheFirstTag() {
    CPPUNIT_ASSERT(mentions(error_of("k=rsa; v=DKIM1; p=" + rsa_spki_b64(1024)), "first"));
  }
  void testUnknownKeyTypeIsAnError() {
    CPPUNIT_ASSERT(mentions(error_of("v=DKIM1; k=dsa; p=" + rsa_spki_b64(1024)), "k=dsa"));
  }
  void testKeyTypeMustMatchTheKeyData() {
    // An Ed25519 SubjectPublicKeyInfo under k=rsa.
    PrivateKey ed = PrivateKey::parse("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=").value();
    postseal::EvpPkey pub(EVP_PKEY_new_raw_public_key(
        EVP_PKEY_ED25519, nullptr,
        reinterpret_cast<const unsigned char*>(postseal::base64_decode(kEd25519P)->data()),
        32));
    unsigned char* der = nullptr;
    int n = i2d_PUBKEY(pub.get(), &der);
    std::string spki(reinterpret_cast<char*>(der), n);
    OPENSSL_free(der);
    CPPUNIT_ASSERT(mentions(error_of("k=rsa; p=" + postseal::base64_encode(spki)), "not RSA"));
    CPPUNIT_ASSERT(ed.type() == KeyType::kEd25519);
  }
  void testHashListMustAllowSha256() {
    std::string p = rsa_spki_b64(1024);
    CPPUNIT_ASSERT(mentions(error_of("v=DKIM1; h=sha1; p=" + p), "sha256"));
    CPPUNIT_ASSERT(parse_key_record("v=DKIM1; h=sha1 : sha256; p=" + p).ok());
    CPPUNIT_ASSERT(parse_key_record("v=DKIM1; h=sha256; p=" + p).ok());
  }
  void testServiceTypeMustCoverEmail() {
    std::string p = rsa_spki_b64(1024);
    CPPUNIT_ASSERT(mentions(error_of("s=tlsrpt; p=" + p), "email"));
    CPPUNIT_ASSERT(parse_key_record("s=*; p=" + p).ok());
    CPPUNIT_ASSERT(parse_key_record("s=tlsrpt:email; p=" + p).ok());
  }
  void testFlagsTestingAndStrictAreRead() {
    std::string p = rsa_spki_b64(1024);
    auto both = parse_key_record("t=y:s; p=" + p);
    CPPUNIT_ASSERT(both.ok() && both->testing && both->strict);
    auto y = parse_key_record("t=y; p=" + p);
    CPPUNIT_ASSERT(y.ok() && y->testing && !y->strict);
    auto unknown = parse_key_record("t=q; p=" + p);
    CPPUNIT_ASSERT(unknown.ok() && !unknown->testing && !unknown->strict);
  }
  void testEmptyPMeansRevoked() {
    auto r = parse_key_record("v=DKIM1; k=rsa; p=");
    CPPUNIT_ASSERT(r.ok());
    CPPUNIT_ASSERT(r->revoked);
    CPPUNIT_ASSERT(r->key == nullptr);
    CPPUNIT_ASSERT(!r->verify_digest(std::string(32, 'x'), std::string(128, 'y')));
  }
  void testMissingPIsAnError() { CPPUNIT_ASSERT(mentions(error_of("v=DKIM1; k=rsa"), "p=")); }
  void testBadBase64IsAnError() {
    CPPUNIT_ASSERT(mentions(error_of("v=DKIM1; p=MIIB!!!!"), "base64"));
    CPPUNIT_ASSERT(mentions(error_of("v=DKIM1; p=bm90IGEga2V5"), "not an RSA"));
  }
  void testFoldingWhitespaceInsidePIsAllowed() {
    std::string p = rsa_spki_b64(1024);
    std::string folded = p.substr(0, 40) + "\r\n\t" + p.substr(40, 40) + " " + p.substr(80);
    CPPUNIT_ASSERT(parse_key_record("v=DKIM1; p=" + folded).ok());
  }
  void testDuplicateTagIsAnError() {
    std::string p = rsa_spki_b64(1024);
    CPPUNIT_ASSERT(mentions(error_of("v=DKIM1; p=" + p + "; p=" + p), "duplicate"));
  }
  void testHugeRecordIsRefused() {
    CPPUNIT_ASSERT(
        mentions(error_of("v=DKIM1; n=" + std::string(20000, 'a') + "; p="), "longer"));
  }
  void testHugeTagListIsRefused() {
    std::string s = "v=DKIM1;";
    for (int i = 0; i < 100; ++i) s += " x" + std::to_string(i) + "=1;";
    CPPUNIT_ASSERT(mentions(error_of(s + " p="), "too many"));
  }
  void testUnknownTagsAreIgnored() {
    auto r = parse_key_record("v=DKIM1; n=notes here; zz=1; p=" + rsa_spki_b64(1024));
    CPPUNIT_ASSERT_MESSAGE(r.message(), r.ok());
  }
  void testShortRsaKeyParsesWithItsSize() {
    auto r = parse_key_record("v=DKIM1; p=" + rsa_spki_b64(512));
    CPPUNIT_ASSERT_MESSAGE(r.message(), r.ok());
    CPPUNIT_ASSERT_EQUAL(512, r->bits);
  }
  void testVerifyDigestAcceptsOnlyTheRightSignature() {
    std::string digest(32, '\x42');
    for (auto type : {KeyType::kRsa, KeyType::kEd25519}) {
      PrivateKey k = PrivateKey::generate(type, 1024).value();
      auto rec = parse_key_record(k.public_record());
      CPPUNIT_ASSERT_MESSAGE(rec.message(), rec.ok());
      std::string sig = k.sign_digest(digest).value();
      CPPUNIT_ASSERT(rec->verify_digest(digest, sig));
      std::string other = digest;
      other[0] = 'x';
      CPPUNIT_ASSERT(!rec->verify_digest(other, sig));
      sig[sig.size() / 2] ^= 1;
      CPPUNIT_ASSERT(!rec->verify_digest(digest, sig));
      CPPUNIT_ASSERT(!rec->verify_digest(digest, ""));
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(KeyRecordTest);
