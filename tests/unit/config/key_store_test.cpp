/// \file
/// Tests for lib/config/key_store: OpenDKIM KeyTable and SigningTable files (plain and
/// refile:), lookup order, several keys per address, sub-domains, the single-domain
/// shortcut, key formats (PKCS#1, PKCS#8, base64 DER, Ed25519 seed) and refusal of
/// unsafe or broken key files. Keys are generated at test time into a temp directory.
#include "config/key_store.h"

#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "temp_dir.h"
#include "util/base64.h"
#include "util/errors.h"

namespace postseal::config {
namespace {

using dkim::PrivateKey;

/// Test keys in every format, made once per run (RSA generation is slow).
struct Keys {
  std::string pkcs8_pem;     // RSA, "PRIVATE KEY"
  std::string pkcs1_pem;     // the same RSA key, "RSA PRIVATE KEY"
  std::string der_base64;    // the same RSA key, PKCS#8 DER as one base64 line
  std::string ed25519_seed;  // base64 of a raw 32-byte Ed25519 private key
  std::string ed25519_pem;
};

std::string strip_armour(const std::string& pem) {
  std::string out;
  std::size_t pos = 0;
  while (pos < pem.size()) {
    auto nl = pem.find('\n', pos);
    std::string line = pem.substr(pos, nl - pos);
    if (!line.starts_with("-----")) out += line;
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return out;
}

const Keys& keys() {
  static const Keys k = [] {
    Keys k;
    auto rsa = PrivateKey::generate(dkim::KeyType::kRsa, dkim::kMinRsaBits);
    if (!rsa.ok()) throw std::runtime_error("generate: " + rsa.message());
    k.pkcs8_pem = rsa->private_pem();
    k.der_base64 = strip_armour(k.pkcs8_pem);

    Bio in(BIO_new_mem_buf(k.pkcs8_pem.data(), static_cast<int>(k.pkcs8_pem.size())));
    EvpPkey pkey(PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr));
    Bio out(BIO_new(BIO_s_mem()));
    if (!pkey || !out ||
        PEM_write_bio_PrivateKey_traditional(out.get(), pkey.get(), nullptr, nullptr, 0,
                                             nullptr, nullptr) != 1)
      throw std::runtime_error("cannot write PKCS#1");
    char* p = nullptr;
    long n = BIO_get_mem_data(out.get(), &p);
    k.pkcs1_pem.assign(p, static_cast<std::size_t>(n));

    // A seed whose base64 begins with '/' would read as a path in a KeyTable (the
    // OpenDKIM rule), so keep generating until it does not.
    do {
      auto ed = PrivateKey::generate(dkim::KeyType::kEd25519, 0);
      if (!ed.ok()) throw std::runtime_error("generate: " + ed.message());
      k.ed25519_pem = ed->private_pem();
      Bio ein(BIO_new_mem_buf(k.ed25519_pem.data(), static_cast<int>(k.ed25519_pem.size())));
      EvpPkey epkey(PEM_read_bio_PrivateKey(ein.get(), nullptr, nullptr, nullptr));
      unsigned char seed[32];
      size_t len = sizeof seed;
      if (!epkey || EVP_PKEY_get_raw_private_key(epkey.get(), seed, &len) != 1 || len != 32)
        throw std::runtime_error("cannot get Ed25519 seed");
      k.ed25519_seed = base64_encode(std::string_view(reinterpret_cast<char*>(seed), len));
    } while (k.ed25519_seed[0] == '/');
    return k;
  }();
  return k;
}

/// "d=DOMAIN s=SELECTOR" for each key, so results compare as one string.
std::string describe(const std::vector<SigningKey>& ks) {
  std::string out;
  for (const auto& k : ks) {
    if (!out.empty()) out += ", ";
    out += "d=" + k.domain + " s=" + k.selector;
  }
  return out;
}

class KeyStoreTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(KeyStoreTest);
  CPPUNIT_TEST(testPlainTableFullAddressComesBeforeDomain);
  CPPUNIT_TEST(testPlainTableMultipleSignaturesCollectsMatchesInLookupOrder);
  CPPUNIT_TEST(testPlainTableDottedParentEntryCoversSubdomains);
  CPPUNIT_TEST(testPlainTableBareParentCoversSubdomainsOnlyWithSubDomains);
  CPPUNIT_TEST(testPlainTableUserAtStarAndStarComeLast);
  CPPUNIT_TEST(testPlainTableSeveralLinesForOneAddressGiveSeveralKeys);
  CPPUNIT_TEST(testRefileWildcardMatchesAnyLocalPartOfThatDomainOnly);
  CPPUNIT_TEST(testRefileFirstMatchInFileOrderWithoutMultipleSignatures);
  CPPUNIT_TEST(testRefileEveryMatchWithMultipleSignaturesWithoutDuplicateKeys);
  CPPUNIT_TEST(testRefileWildcardMatchesSubaddress);
  CPPUNIT_TEST(testRefileSubDomainsLetsADomainPatternCoverSubdomains);
  CPPUNIT_TEST(testMatchingIgnoresCase);
  CPPUNIT_TEST(testPercentKeyNameAndDomainStandForAuthorDomain);
  CPPUNIT_TEST(testAddressWithoutDomainGetsNoKeys);
  CPPUNIT_TEST(testDefaultConstructedStoreSignsNothing);
  CPPUNIT_TEST(testUnknownKeyNameNamesFileAndLine);
  CPPUNIT_TEST(testMalformedKeyTableLineNamesFileAndLine);
  CPPUNIT_TEST(testMalformedSigningTableLineNamesFileAndLine);
  CPPUNIT_TEST(testDuplicateKeyNameIsRefused);
  CPPUNIT_TEST(testUnsupportedTableTypeIsRefused);
  CPPUNIT_TEST(testUnreadableTableIsReported);
  CPPUNIT_TEST(testFilePrefixMeansPlainTable);
  CPPUNIT_TEST(testUnsafeKeyFileIsRefusedWithHowToFix);
  CPPUNIT_TEST(testUnsafeKeyFileLoadsWhenRequireSafeKeysIsOff);
  CPPUNIT_TEST(testUnsafeKeyInKeyTableNamesTableLine);
  CPPUNIT_TEST(testKeyInDirectoryOthersMayWriteIsRefusedWithHowToFix);
  CPPUNIT_TEST(testKeyInStickyDirectoryLoads);
  CPPUNIT_TEST(testPkcs1PemKeyLoads);
  CPPUNIT_TEST(testPkcs8PemKeyLoads);
  CPPUNIT_TEST(testBase64DerKeyFileLoads);
  CPPUNIT_TEST(testEd25519KeysLoad);
  CPPUNIT_TEST(testBrokenKeyFileIsNamedWithoutItsBytes);
  CPPUNIT_TEST(testMissingKeyFileIsReported);
  CPPUNIT_TEST(testInlineKeyDataInKeyTableLoads);
  CPPUNIT_TEST(testInlineKeyInReadableKeyTableIsRefused);
  CPPUNIT_TEST(testRelativeKeyPathIsTakenFromKeyTableDirectory);
  CPPUNIT_TEST(testSeveralNamesShareOneKeyFile);
  CPPUNIT_TEST(testSingleDomainSignsOnlyThatDomain);
  CPPUNIT_TEST(testSingleDomainCoversSubdomainsWithSubDomains);
  CPPUNIT_TEST(testSingleDomainNeedsAllThreeSettings);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    dir_ = std::make_unique<testing::TempDir>();
    key_ = dir_->write("keys/rsa.pem", keys().pkcs8_pem);
  }
  void tearDown() override { dir_.reset(); }

  /// Loads a KeyTable with keys k1..k4 (d=example.com, s=s1..s4) and `signing`.
  KeyStore load(const std::string& signing, bool refile, bool multiple = true,
                bool sub_domains = false) {
    KeyStoreOptions o;
    o.key_table = dir_->write("KeyTable", "k1 example.com:s1:" + key_ +
                                              "\n"
                                              "k2 example.com:s2:" +
                                              key_ +
                                              "\n"
                                              "k3 example.com:s3:" +
                                              key_ +
                                              "\n"
                                              "k4 example.com:s4:" +
                                              key_ + "\n");
    std::string st = dir_->write("SigningTable", signing);
    o.signing_table = refile ? "refile:" + st : st;
    o.multiple_signatures = multiple;
    o.sub_domains = sub_domains;
    return KeyStore::load(o);
  }

  /// The ConfigError text of KeyStore::load, or "" when it loads.
  std::string load_error(const std::string& key_table, const std::string& signing_table,
                         bool require_safe = true) {
    KeyStoreOptions o;
    o.key_table = key_table;
    o.signing_table = signing_table;
    o.require_safe_keys = require_safe;
    try {
      (void)KeyStore::load(o);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }

  std::string load_key_error(const std::string& path, bool require_safe = true) {
    try {
      (void)load_key_file(path, require_safe);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }

  void testPlainTableFullAddressComesBeforeDomain() {
    KeyStore ks = load("example.com k1\nalice@example.com k2\n", false, false);
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s2"),
                         describe(ks.keys_for("alice@example.com")));
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s1"),
                         describe(ks.keys_for("bob@example.com")));
    CPPUNIT_ASSERT(ks.keys_for("bob@example.org").empty());
  }

  void testPlainTableMultipleSignaturesCollectsMatchesInLookupOrder() {
    KeyStore ks = load("* k4\nexample.com k1\nalice@example.com k2\n", false, true);
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s2, d=example.com s=s1, "
                                     "d=example.com s=s4"),
                         describe(ks.keys_for("alice@example.com")));
  }

  void testPlainTableDottedParentEntryCoversSubdomains() {
    KeyStore ks = load(".example.com k1\nbob@.example.com k2\n", false, true, false);
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s2, d=example.com s=s1"),
                         describe(ks.keys_for("bob@mail.eu.example.com")));
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s1"),
                         describe(ks.keys_for("alice@mail.example.com")));
    CPPUNIT_ASSERT(ks.keys_for("alice@example.com").empty());
  }

  void testPlainTableBareParentCoversSubdomainsOnlyWithSubDomains() {
    CPPUNIT_ASSERT(load("example.com k1\n", false, true, false)
                       .keys_for("alice@mail.example.com")
                       .empty());
    KeyStore ks = load("example.com k1\n", false, true, true);
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s1"),
                         describe(ks.keys_for("alice@mail.example.com")));
    CPPUNIT_ASSERT(ks.keys_for("alice@notexample.com").empty());
  }

  void testPlainTableUserAtStarAndStarComeLast() {
    KeyStore ks = load("* k3\npostmaster@* k2\nexample.org k1\n", false, false);
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s1"),
                         describe(ks.keys_for("postmaster@example.org")));
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s2"),
                         describe(ks.keys_for("postmaster@example.net")));
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s3"),
                         describe(ks.keys_for("alice@example.net")));
  }

  void testPlainTableSeveralLinesForOneAddressGiveSeveralKeys() {
    std::string table = "example.com k3\nexample.com k1\n";
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s3, d=example.com s=s1"),
                         describe(load(table, false, true).keys_for("a@example.com")));
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s3"),
                         describe(load(table, false, false).keys_for("a@example.com")));
  }

  void testRefileWildcardMatchesAnyLocalPartOfThatDomainOnly() {
    KeyStore ks = load("*@example.com k1\n", true);
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s1"),
                         describe(ks.keys_for("alice@example.com")));
    CPPUNIT_ASSERT(ks.keys_for("alice@example.org").empty());
    CPPUNIT_ASSERT(ks.keys_for("alice@mail.example.com").empty());
    CPPUNIT_ASSERT(ks.keys_for("alice@example.com.evil").empty());
  }

  void testRefileFirstMatchInFileOrderWithoutMultipleSignatures() {
    KeyStore ks =
        load("# comment\n\nbob@example.com k2\n*@example.com k1\n* k3\n", true, false);
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s2"),
                         describe(ks.keys_for("bob@example.com")));
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s1"),
                         describe(ks.keys_for("alice@example.com")));
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s3"),
                         describe(ks.keys_for("alice@example.net")));
  }

  void testRefileEveryMatchWithMultipleSignaturesWithoutDuplicateKeys() {
    KeyStore ks =
        load("*@example.com k1   # rsa\n*@example.com k4\n* k1\n*@* k2\n", true, true);
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s1, d=example.com s=s4, "
                                     "d=example.com s=s2"),
                         describe(ks.keys_for("alice@example.com")));
  }

  void testRefileWildcardMatchesSubaddress() {
    KeyStore ks = load("alice+*@example.com k2\n", true);
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s2"),
                         describe(ks.keys_for("alice+lists@example.com")));
    CPPUNIT_ASSERT(ks.keys_for("alice@example.com").empty());
  }

  void testRefileSubDomainsLetsADomainPatternCoverSubdomains() {
    CPPUNIT_ASSERT(
        load("*@example.com k1\n", true, true, false).keys_for("a@mail.example.com").empty());
    KeyStore ks = load("*@example.com k1\n", true, true, true);
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s1"),
                         describe(ks.keys_for("a@mail.example.com")));
    CPPUNIT_ASSERT(ks.keys_for("a@mailexample.com").empty());
  }

  void testMatchingIgnoresCase() {
    CPPUNIT_ASSERT_EQUAL(
        std::string("d=example.com s=s1"),
        describe(load("*@Example.COM k1\n", true).keys_for("Alice@EXAMPLE.com")));
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s1"),
                         describe(load("EXAMPLE.com k1\n", false).keys_for("a@example.COM")));
  }

  void testPercentKeyNameAndDomainStandForAuthorDomain() {
    KeyStoreOptions o;
    o.key_table = dir_->write("KeyTable", "example.org %:mail:" + key_ +
                                              "\n"
                                              "example.net example.net:sel:" +
                                              key_ + "\n");
    o.signing_table = "refile:" + dir_->write("SigningTable", "* %\n");
    KeyStore ks = KeyStore::load(o);
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.org s=mail"),
                         describe(ks.keys_for("a@Example.ORG")));
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.net s=sel"),
                         describe(ks.keys_for("a@example.net")));
    CPPUNIT_ASSERT(ks.keys_for("a@example.com").empty());
  }

  void testAddressWithoutDomainGetsNoKeys() {
    KeyStore ks = load("* k1\n", true);
    CPPUNIT_ASSERT(ks.keys_for("alice").empty());
    CPPUNIT_ASSERT(ks.keys_for("alice@").empty());
    CPPUNIT_ASSERT(ks.keys_for("").empty());
  }

  void testDefaultConstructedStoreSignsNothing() {
    KeyStore ks;
    CPPUNIT_ASSERT(ks.keys_for("a@example.com").empty());
  }

  void testUnknownKeyNameNamesFileAndLine() {
    auto kt = dir_->write("KeyTable", "k1 example.com:s1:" + key_ + "\n");
    auto st = dir_->write("SigningTable", "*@example.com k1\n# x\n*@example.org nokey\n");
    CPPUNIT_ASSERT_EQUAL(st + ":3: unknown key name \"nokey\" (not in " + kt + ")",
                         load_error(kt, "refile:" + st));
  }

  void testMalformedKeyTableLineNamesFileAndLine() {
    auto st = dir_->write("SigningTable", "");
    for (const char* bad : {"k1", "k1 example.com", "k1 example.com:s1", "k1 :s1:/k",
                            "k1 example.com::/k", "k1 example.com:s1:"}) {
      auto kt = dir_->write("KeyTable", std::string("# keys\n") + bad + "\n");
      CPPUNIT_ASSERT_EQUAL_MESSAGE(bad, kt + ":2: expected \"NAME DOMAIN:SELECTOR:KEY\"",
                                   load_error(kt, st));
    }
  }

  void testMalformedSigningTableLineNamesFileAndLine() {
    auto kt = dir_->write("KeyTable", "k1 example.com:s1:" + key_ + "\n");
    auto st = dir_->write("SigningTable", "example.com\n");
    CPPUNIT_ASSERT_EQUAL(st + ":1: expected \"PATTERN KEYNAME\"", load_error(kt, st));
    st = dir_->write("SigningTable", "example.com k1 a@example.com extra\n");
    CPPUNIT_ASSERT_EQUAL(st + ":1: expected \"PATTERN KEYNAME\"", load_error(kt, st));
    // OpenDKIM's optional signer field is accepted.
    st = dir_->write("SigningTable", "example.com k1 @example.com\n");
    CPPUNIT_ASSERT_EQUAL(std::string(), load_error(kt, st));
  }

  void testDuplicateKeyNameIsRefused() {
    auto kt = dir_->write("KeyTable",
                          "k1 example.com:s1:" + key_ + "\nk1 example.com:s2:" + key_ + "\n");
    auto st = dir_->write("SigningTable", "");
    CPPUNIT_ASSERT_EQUAL(kt + ":2: duplicate key name \"k1\" (first on line 1)",
                         load_error(kt, st));
  }

  void testUnsupportedTableTypeIsRefused() {
    auto kt = dir_->write("KeyTable", "");
    std::string err = load_error(kt, "db:/etc/opendkim/signing.db");
    CPPUNIT_ASSERT_EQUAL(std::string("signing-table: table type \"db\" is not supported; "
                                     "use a plain file or refile:PATH"),
                         err);
  }

  void testUnreadableTableIsReported() {
    auto kt = dir_->write("KeyTable", "");
    std::string st = dir_->path() + "/absent";
    CPPUNIT_ASSERT_EQUAL(st + ": cannot read signing table: No such file or directory",
                         load_error(kt, st));
    CPPUNIT_ASSERT_EQUAL(std::string("key-table and signing-table must be set together"),
                         load_error("", st));
  }

  void testFilePrefixMeansPlainTable() {
    auto kt = dir_->write("KeyTable", "k1 example.com:s1:" + key_ + "\n");
    auto st = dir_->write("SigningTable", "example.com k1\n");
    KeyStoreOptions o;
    o.key_table = "refile:" + kt;
    o.signing_table = "file:" + st;
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s1"),
                         describe(KeyStore::load(o).keys_for("a@example.com")));
  }

  void testUnsafeKeyFileIsRefusedWithHowToFix() {
    auto path = dir_->write("open.pem", keys().pkcs8_pem, 0644);
    CPPUNIT_ASSERT_EQUAL(path +
                             ": key file is accessible by group or others (mode 0644); "
                             "run \"chmod 600 " +
                             path + "\", or set require-safe-keys = no",
                         load_key_error(path));
    auto writable = dir_->write("gw.pem", keys().pkcs8_pem, 0620);
    CPPUNIT_ASSERT(load_key_error(writable).find("mode 0620") != std::string::npos);
  }

  void testUnsafeKeyFileLoadsWhenRequireSafeKeysIsOff() {
    auto path = dir_->write("open.pem", keys().pkcs8_pem, 0644);
    CPPUNIT_ASSERT(load_key_file(path, false) != nullptr);
  }

  void testUnsafeKeyInKeyTableNamesTableLine() {
    auto path = dir_->write("open.pem", keys().pkcs8_pem, 0640);
    auto kt = dir_->write("KeyTable", "\nk1 example.com:s1:" + path + "\n");
    auto st = dir_->write("SigningTable", "");
    std::string err = load_error(kt, st);
    CPPUNIT_ASSERT_MESSAGE(
        err, err.starts_with(kt + ":2: key \"k1\": " + path + ": key file is accessible"));
    CPPUNIT_ASSERT_EQUAL(std::string(), load_error(kt, st, false));
  }

  // A directory others may write lets them rename the key away and put theirs in its
  // place, whatever the key file's own mode.
  void testKeyInDirectoryOthersMayWriteIsRefusedWithHowToFix() {
    auto path = dir_->write("shared/k.pem", keys().pkcs8_pem, 0600);
    const std::string shared = dir_->path() + "/shared";
    CPPUNIT_ASSERT_EQUAL(0, ::chmod(shared.c_str(), 0775));
    CPPUNIT_ASSERT_EQUAL(shared + ": the directory of " + path +
                             " is writable by group or others (mode 0775), who could replace "
                             "the key; run \"chmod go-w " +
                             shared + "\", or set require-safe-keys = no",
                         load_key_error(path));
    CPPUNIT_ASSERT(load_key_file(path, false) != nullptr);
    CPPUNIT_ASSERT_EQUAL(0, ::chmod(shared.c_str(), 0755));
    CPPUNIT_ASSERT_EQUAL(std::string(), load_key_error(path));
  }

  // With the sticky bit (like /tmp) nobody but the owner may rename or remove the key.
  void testKeyInStickyDirectoryLoads() {
    auto path = dir_->write("sticky/k.pem", keys().pkcs8_pem, 0600);
    const std::string sticky = dir_->path() + "/sticky";
    CPPUNIT_ASSERT_EQUAL(0, ::chmod(sticky.c_str(), 01777));
    CPPUNIT_ASSERT_EQUAL(std::string(), load_key_error(path));
  }

  void testPkcs1PemKeyLoads() {
    CPPUNIT_ASSERT(keys().pkcs1_pem.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    auto k = load_key_file(dir_->write("pkcs1.pem", keys().pkcs1_pem), true);
    CPPUNIT_ASSERT(k->type() == dkim::KeyType::kRsa);
    CPPUNIT_ASSERT_EQUAL(dkim::kMinRsaBits, k->bits());
  }

  void testPkcs8PemKeyLoads() {
    CPPUNIT_ASSERT(keys().pkcs8_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    auto k = load_key_file(key_, true);
    CPPUNIT_ASSERT(k->type() == dkim::KeyType::kRsa);
  }

  void testBase64DerKeyFileLoads() {
    auto k = load_key_file(dir_->write("der.b64", keys().der_base64 + "\n"), true);
    CPPUNIT_ASSERT(k->type() == dkim::KeyType::kRsa);
    CPPUNIT_ASSERT_EQUAL(load_key_file(key_, true)->public_record(), k->public_record());
  }

  void testEd25519KeysLoad() {
    auto seed = load_key_file(dir_->write("ed.seed", keys().ed25519_seed + "\n"), true);
    auto pem = load_key_file(dir_->write("ed.pem", keys().ed25519_pem), true);
    CPPUNIT_ASSERT(seed->type() == dkim::KeyType::kEd25519);
    CPPUNIT_ASSERT_EQUAL(pem->public_record(), seed->public_record());
  }

  void testBrokenKeyFileIsNamedWithoutItsBytes() {
    auto path = dir_->write("broken.pem", "SECRETSTUFF not a key\n");
    std::string err = load_key_error(path);
    CPPUNIT_ASSERT_MESSAGE(err, err.starts_with(path + ": not a usable private key: "));
    CPPUNIT_ASSERT_MESSAGE(err, err.find("SECRETSTUFF") == std::string::npos);
  }

  void testMissingKeyFileIsReported() {
    std::string path = dir_->path() + "/none.pem";
    CPPUNIT_ASSERT_EQUAL(path + ": cannot read key file: No such file or directory",
                         load_key_error(path));
  }

  void testInlineKeyDataInKeyTableLoads() {
    KeyStoreOptions o;
    o.key_table =
        dir_->write("KeyTable", "k1 example.com:inline:" + keys().der_base64 +
                                    "\ned example.com:ed:" + keys().ed25519_seed + "\n");
    o.signing_table = dir_->write("SigningTable", "example.com k1\nexample.com ed\n");
    auto ks = KeyStore::load(o).keys_for("a@example.com");
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=inline, d=example.com s=ed"),
                         describe(ks));
    CPPUNIT_ASSERT(ks[1].key->type() == dkim::KeyType::kEd25519);
  }

  void testInlineKeyInReadableKeyTableIsRefused() {
    auto kt = dir_->write("KeyTable", "k1 example.com:s1:" + keys().der_base64 + "\n", 0644);
    auto st = dir_->write("SigningTable", "");
    std::string err = load_error(kt, st);
    CPPUNIT_ASSERT_MESSAGE(err, err.starts_with(kt + ":1: key \"k1\" is inline, but " + kt +
                                                " is accessible by group or others"));
    CPPUNIT_ASSERT_MESSAGE(err, err.find(keys().der_base64.substr(0, 40)) == std::string::npos);
    // A relative path without ./ is not a path: OpenDKIM's rule, with a hint.
    kt = dir_->write("KeyTable", "k1 example.com:s1:keys/rsa.pem\n");
    err = load_error(kt, st);
    CPPUNIT_ASSERT_MESSAGE(
        err, err.find("a key file path must begin with /, ./ or ../") != std::string::npos);
  }

  void testRelativeKeyPathIsTakenFromKeyTableDirectory() {
    KeyStoreOptions o;
    o.key_table = dir_->write("KeyTable", "k1 example.com:s1:./keys/rsa.pem\n");
    o.signing_table = dir_->write("SigningTable", "example.com k1\n");
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s1"),
                         describe(KeyStore::load(o).keys_for("a@example.com")));
  }

  void testSeveralNamesShareOneKeyFile() {
    KeyStore ks = load("example.com k1\nexample.com k2\n", false);
    auto got = ks.keys_for("a@example.com");
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, got.size());
    CPPUNIT_ASSERT(got[0].key == got[1].key);
  }

  void testSingleDomainSignsOnlyThatDomain() {
    KeyStore ks = KeyStore::single("Example.com", "s2026", key_, true, false);
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s2026"),
                         describe(ks.keys_for("alice@EXAMPLE.COM")));
    CPPUNIT_ASSERT(ks.keys_for("alice@mail.example.com").empty());
    CPPUNIT_ASSERT(ks.keys_for("alice@example.org").empty());
  }

  void testSingleDomainCoversSubdomainsWithSubDomains() {
    KeyStore ks = KeyStore::single("example.com", "s2026", key_, true, true);
    CPPUNIT_ASSERT_EQUAL(std::string("d=example.com s=s2026"),
                         describe(ks.keys_for("alice@mail.example.com")));
    CPPUNIT_ASSERT(ks.keys_for("alice@badexample.com").empty());
  }

  void testSingleDomainNeedsAllThreeSettings() {
    CPPUNIT_ASSERT_THROW(KeyStore::single("example.com", "", key_, true, false), ConfigError);
    auto open = dir_->write("open.pem", keys().pkcs8_pem, 0604);
    CPPUNIT_ASSERT_THROW(KeyStore::single("example.com", "s", open, true, false), ConfigError);
  }

 private:
  std::unique_ptr<testing::TempDir> dir_;
  std::string key_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(KeyStoreTest);

}  // namespace
}  // namespace postseal::config
