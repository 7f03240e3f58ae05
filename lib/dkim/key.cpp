/// \file
/// Private key parsing, generation and signing over OpenSSL 3 EVP.
#include "dkim/key.h"

#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
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

bool looks_like_pem(std::string_view s) { return s.find("-----BEGIN ") != std::string_view::npos; }

}  // namespace

std::string_view algorithm_name(KeyType t) {
  return t == KeyType::kRsa ? "rsa-sha256" : "ed25519-sha256";
}

PrivateKey::PrivateKey(EvpPkey pkey, KeyType type, int bits)
    : pkey_(pkey.release(), EVP_PKEY_free), type_(type), bits_(bits) {}

Result<PrivateKey> PrivateKey::parse(std::string_view data) {
  EvpPkey pkey;
  if (looks_like_pem(data)) {
    pkey = decode_key(data, "PEM");
    if (!pkey) return Error{"key: PEM data is not a supported private key"};
  } else {
    // Not PEM: binary DER, base64 DER without armour (OpenDKIM accepts that), or the
    // base64 of a raw 32-byte Ed25519 seed (RFC 8463's example key).
    pkey = decode_key(data, "DER");
    if (!pkey) {
      auto raw = base64_decode(data);
      if (!raw.ok()) return Error{"key: neither PEM, DER nor base64 (" + raw.message() + ")"};
      if (raw->size() == 32) {
        pkey.reset(EVP_PKEY_new_raw_private_key(
            EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw->data()),
            raw->size()));
        if (!pkey) return Error{"key: bad Ed25519 seed: " + openssl_reason()};
      } else {
        pkey = decode_key(*raw, "DER");
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
  EvpPkeyCtx ctx(EVP_PKEY_CTX_new_id(type == KeyType::kRsa ? EVP_PKEY_RSA : EVP_PKEY_ED25519,
                                     nullptr));
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
