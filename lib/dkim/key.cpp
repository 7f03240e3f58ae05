/// \file
/// Private key parsing, generation and signing over OpenSSL 3 EVP.
#include "dkim/key.h"

#include <array>
#include <optional>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "util/base64.h"

namespace postseal::dkim {
namespace {

// Drains OpenSSL's error queue into one line for the caller's message.
std::string openssl_reason() {
  std::string out;
  unsigned long e;
  char buf[256];
  while ((e = ERR_get_error()) != 0) {
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

// Decodes DER or PEM key bytes of any supported structure (PKCS#1, PKCS#8).
EvpPkey decode_key(std::string_view bytes, const char* input_type) {
  EVP_PKEY* pkey = nullptr;
  OsslDecoderCtx ctx(OSSL_DECODER_CTX_new_for_pkey(&pkey, input_type, nullptr, nullptr,
                                                   EVP_PKEY_KEYPAIR, nullptr, nullptr));
  if (!ctx) return EvpPkey();
  auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t len = bytes.size();
  if (OSSL_DECODER_from_data(ctx.get(), &data, &len) != 1) {
    ERR_clear_error();
    return EvpPkey();
  }
  return EvpPkey(pkey);
}

bool looks_like_pem(std::string_view s) {
  return s.find("-----BEGIN ") != std::string_view::npos;
}

// The direct path. OSSL_DECODER_CTX_new_for_pkey() builds every decoder chain for
// every key type before it looks at the bytes: about a third of a filter run's
// instructions went there, once per message. DKIM keys come in four shapes we know,
// so those are read directly; anything else (encrypted PEM, multi-prime RSA, odd
// encodings) still goes to the generic decoder, which accepts or refuses it as before.

/// Wipes a buffer that held key material when it goes out of scope.
struct Wiped {
  std::string bytes;
  ~Wiped() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

/// A DER reader over one buffer: tag, length, contents. Refuses what DER does not
/// allow (indefinite or over-long lengths, contents past the end).
class Der {
 public:
  explicit Der(std::string_view in) : in_(in) {}
  bool done() const { return in_.empty(); }

  /// Reads one element with this tag; its contents go to `out`. False on anything else.
  bool next(unsigned char tag, std::string_view& out) {
    if (in_.size() < 2 || static_cast<unsigned char>(in_[0]) != tag) return false;
    size_t len = static_cast<unsigned char>(in_[1]), head = 2;
    if (len & 0x80) {
      size_t n = len & 0x7f;
      if (n == 0 || n > 3 || in_.size() < 2 + n) return false;
      len = 0;
      for (size_t i = 0; i < n; ++i) len = (len << 8) | static_cast<unsigned char>(in_[2 + i]);
      head += n;
    }
    if (len > in_.size() - head) return false;
    out = in_.substr(head, len);
    in_.remove_prefix(head + len);
    return true;
  }

 private:
  std::string_view in_;
};

constexpr unsigned char kSequence = 0x30, kInteger = 0x02, kOctetString = 0x04;

// RFC 8017 §A.1.2 RSAPrivateKey, version 0 (two primes): the eight numbers after the
// version, handed to OpenSSL's RSA key manager under its parameter names.
EvpPkey rsa_from_pkcs1(std::string_view der) {
  static constexpr std::array<const char*, 8> kNames = {
      OSSL_PKEY_PARAM_RSA_N,         OSSL_PKEY_PARAM_RSA_E,
      OSSL_PKEY_PARAM_RSA_D,         OSSL_PKEY_PARAM_RSA_FACTOR1,
      OSSL_PKEY_PARAM_RSA_FACTOR2,   OSSL_PKEY_PARAM_RSA_EXPONENT1,
      OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
  std::string_view body, v;
  Der outer(der);
  if (!outer.next(kSequence, body) || !outer.done()) return EvpPkey();
  Der fields(body);
  if (!fields.next(kInteger, v) || v != std::string_view("\0", 1)) return EvpPkey();
  std::array<BIGNUM*, 8> bn{};
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  bool ok = bld != nullptr;
  for (size_t i = 0; ok && i < kNames.size(); ++i) {
    // Every number is positive: a set top bit would make it negative in DER.
    ok = fields.next(kInteger, v) && !v.empty() &&
         (static_cast<unsigned char>(v[0]) & 0x80) == 0;
    if (ok)
      bn[i] = BN_bin2bn(reinterpret_cast<const unsigned char*>(v.data()),
                        static_cast<int>(v.size()), nullptr);
    ok = ok && bn[i] != nullptr && OSSL_PARAM_BLD_push_BN(bld, kNames[i], bn[i]) == 1;
  }
  ok = ok && fields.done();
  OSSL_PARAM* params = ok ? OSSL_PARAM_BLD_to_param(bld) : nullptr;
  EVP_PKEY* pkey = nullptr;
  if (params != nullptr) {
    EvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_KEYPAIR, params) != 1)
      pkey = nullptr;
  }
  // OpenSSL 3.0 has no OSSL_PARAM_clear_free(): wipe the numbers, then free.
  for (OSSL_PARAM* q = params; q != nullptr && q->key != nullptr; ++q)
    OPENSSL_cleanse(q->data, q->data_size);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  for (BIGNUM* b : bn) BN_clear_free(b);
  ERR_clear_error();
  return EvpPkey(pkey);
}

// RFC 5958 OneAsymmetricKey (PKCS#8 PrivateKeyInfo): rsaEncryption wraps an
// RSAPrivateKey; id-Ed25519 wraps an OCTET STRING with the 32-byte seed (RFC 8410 §7).
EvpPkey key_from_pkcs8(std::string_view der) {
  auto* p = reinterpret_cast<const unsigned char*>(der.data());
  CHandle<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free> p8(
      d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
  const unsigned char* inner = nullptr;
  int inner_len = 0;
  const X509_ALGOR* alg = nullptr;
  if (!p8 || p != reinterpret_cast<const unsigned char*>(der.data() + der.size()) ||
      PKCS8_pkey_get0(nullptr, &inner, &inner_len, &alg, p8.get()) != 1) {
    ERR_clear_error();
    return EvpPkey();
  }
  const ASN1_OBJECT* oid = nullptr;
  X509_ALGOR_get0(&oid, nullptr, nullptr, alg);
  std::string_view key(reinterpret_cast<const char*>(inner), static_cast<size_t>(inner_len));
  switch (OBJ_obj2nid(oid)) {
    case NID_rsaEncryption:
      return rsa_from_pkcs1(key);
    case NID_ED25519: {
      std::string_view seed;
      Der d(key);
      if (!d.next(kOctetString, seed) || !d.done() || seed.size() != 32) return EvpPkey();
      EvpPkey pkey(EVP_PKEY_new_raw_private_key(
          EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()), 32));
      ERR_clear_error();
      return pkey;
    }
    default:
      return EvpPkey();
  }
}

// DER of either structure; PKCS#8 is tried first, as keygen writes it.
EvpPkey decode_der_directly(std::string_view der) {
  EvpPkey pkey = key_from_pkcs8(der);
  return pkey ? std::move(pkey) : rsa_from_pkcs1(der);
}

// The two unencrypted PEM labels DKIM keys use (RFC 7468 §10, and PKCS#1's "RSA
// PRIVATE KEY"): the base64 between the armour lines, decoded. Nothing when the text
// has another label, more than one block, or headers (an encrypted key).
std::optional<Wiped> pem_body(std::string_view pem) {
  for (std::string_view label : {"PRIVATE KEY", "RSA PRIVATE KEY"}) {
    std::string begin = "-----BEGIN " + std::string(label) + "-----";
    std::string end = "-----END " + std::string(label) + "-----";
    auto b = pem.find(begin);
    if (b == std::string_view::npos) continue;
    if (pem.find("-----BEGIN ") != b) return std::nullopt;
    auto start = b + begin.size();
    auto e = pem.find(end, start);
    if (e == std::string_view::npos || pem.find("-----BEGIN ", e) != std::string_view::npos)
      return std::nullopt;
    std::string_view text = pem.substr(start, e - start);
    if (text.find(':') != std::string_view::npos) return std::nullopt;
    auto der = base64_decode(text);
    if (!der.ok()) return std::nullopt;
    Wiped out{std::move(der).value()};
    return out;
  }
  return std::nullopt;
}

}  // namespace

std::string_view algorithm_name(KeyType t) {
  return t == KeyType::kRsa ? "rsa-sha256" : "ed25519-sha256";
}

PrivateKey::PrivateKey(EvpPkey pkey, KeyType type, int bits)
    : pkey_(pkey.release(), EVP_PKEY_free), type_(type), bits_(bits) {}

Result<PrivateKey> PrivateKey::parse(std::string_view data) {
  EvpPkey pkey;
  if (looks_like_pem(data)) {
    if (auto der = pem_body(data)) pkey = decode_der_directly(der->bytes);
    if (!pkey) pkey = decode_key(data, "PEM");
    if (!pkey) return Error{"key: PEM data is not a supported private key"};
  } else {
    // Not PEM: binary DER, base64 DER without armour (OpenDKIM accepts that), or the
    // base64 of a raw 32-byte Ed25519 seed (RFC 8463's example key).
    // Both DER structures are SEQUENCEs (0x30); base64 text goes straight on below.
    if (!data.empty() && data[0] == 0x30) {
      pkey = decode_der_directly(data);
      if (!pkey) pkey = decode_key(data, "DER");
    }
    if (!pkey) {
      auto raw = base64_decode(data);
      if (!raw.ok()) return Error{"key: neither PEM, DER nor base64 (" + raw.message() + ")"};
      if (raw->size() == 32) {
        pkey.reset(EVP_PKEY_new_raw_private_key(
            EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw->data()),
            raw->size()));
        if (!pkey) return Error{"key: bad Ed25519 seed: " + openssl_reason()};
      } else {
        Wiped der{std::move(raw).value()};
        pkey = decode_der_directly(der.bytes);
        if (!pkey) pkey = decode_key(der.bytes, "DER");
        if (!pkey) return Error{"key: base64 data is not a supported private key"};
      }
    }
  }
  int id = EVP_PKEY_get_base_id(pkey.get());
  if (id == EVP_PKEY_RSA) {
    int bits = EVP_PKEY_get_bits(pkey.get());
    if (bits < kMinRsaBits)
      return Error{"key: RSA key of " + std::to_string(bits) +
                   " bits is too short (RFC 8301 requires at least 1024)"};
    if (bits > kMaxRsaBits)
      return Error{"key: RSA key of " + std::to_string(bits) +
                   " bits is longer than verifiers must accept (4096)"};
    return PrivateKey(std::move(pkey), KeyType::kRsa, bits);
  }
  if (id == EVP_PKEY_ED25519) return PrivateKey(std::move(pkey), KeyType::kEd25519, 256);
  return Error{"key: unsupported key type (DKIM uses RSA or Ed25519)"};
}

Result<PrivateKey> PrivateKey::generate(KeyType type, int bits) {
  if (type == KeyType::kRsa && (bits < kMinRsaBits || bits > kMaxRsaBits))
    return Error{"key: RSA size must be between 1024 and 4096 bits"};
  EvpPkeyCtx ctx(
      EVP_PKEY_CTX_new_id(type == KeyType::kRsa ? EVP_PKEY_RSA : EVP_PKEY_ED25519, nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0)
    return Error{"key: keygen init: " + openssl_reason()};
  if (type == KeyType::kRsa && EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) <= 0)
    return Error{"key: keygen bits: " + openssl_reason()};
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_keygen(ctx.get(), &raw) <= 0) return Error{"key: keygen: " + openssl_reason()};
  EvpPkey pkey(raw);
  return PrivateKey(std::move(pkey), type, type == KeyType::kRsa ? bits : 256);
}

Result<std::string> PrivateKey::sign_digest(std::string_view digest) const {
  std::string sig;
  auto* md = reinterpret_cast<const unsigned char*>(digest.data());
  if (type_ == KeyType::kEd25519) {
    // RFC 8463 §3: Ed25519 (pure) over the SHA-256 hash of the header data.
    EvpMdCtx ctx(EVP_MD_CTX_new());
    size_t len = 64;
    sig.resize(len);
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, md,
                       digest.size()) != 1)
      return Error{"ed25519 sign: " + openssl_reason()};
    sig.resize(len);
    return sig;
  }
  // RFC 6376 §3.3.1: RSASSA-PKCS1-v1_5 with SHA-256, over a digest computed once.
  EvpPkeyCtx ctx(EVP_PKEY_CTX_new(pkey_.get(), nullptr));
  size_t len = 0;
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) <= 0 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) <= 0 ||
      EVP_PKEY_sign(ctx.get(), nullptr, &len, md, digest.size()) <= 0)
    return Error{"rsa sign: " + openssl_reason()};
  sig.resize(len);
  if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, md,
                    digest.size()) <= 0)
    return Error{"rsa sign: " + openssl_reason()};
  sig.resize(len);
  return sig;
}

std::string PrivateKey::public_record() const {
  std::string pub;
  if (type_ == KeyType::kEd25519) {
    size_t len = 32;
    pub.resize(len);
    if (EVP_PKEY_get_raw_public_key(pkey_.get(), reinterpret_cast<unsigned char*>(pub.data()),
                                    &len) == 1)
      pub.resize(len);
    return "v=DKIM1; k=ed25519; p=" + base64_encode(pub);
  }
  int len = i2d_PUBKEY(pkey_.get(), nullptr);
  if (len > 0) {
    pub.resize(static_cast<size_t>(len));
    auto* p = reinterpret_cast<unsigned char*>(pub.data());
    i2d_PUBKEY(pkey_.get(), &p);
  }
  return "v=DKIM1; k=rsa; p=" + base64_encode(pub);
}

std::string PrivateKey::private_pem() const {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr,
                                       nullptr) != 1)
    return {};
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

}  // namespace postseal::dkim
