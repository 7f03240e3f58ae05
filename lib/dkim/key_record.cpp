/// \file
/// Key record parsing and signature checking (key_record.h).
#include "dkim/key_record.h"

#include <string>
#include <vector>

#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "dkim/tag_list.h"
#include "util/base64.h"
#include "util/c_handle.h"

namespace postseal::dkim {
namespace {

bool lists(const std::vector<std::string_view>& items, std::string_view word) {
  for (auto i : items)
    if (i == word) return true;
  return false;
}

// RSA public key from SubjectPublicKeyInfo DER (what RFC 6376 §3.6.1 specifies), or from
// a bare PKCS#1 RSAPublicKey, which some published records carry.
EvpPkey decode_rsa(std::string_view der) {
  auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EvpPkey key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (key && p == reinterpret_cast<const unsigned char*>(der.data() + der.size())) return key;
  p = reinterpret_cast<const unsigned char*>(der.data());
  key.reset(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(der.size())));
  if (key && p != reinterpret_cast<const unsigned char*>(der.data() + der.size())) key.reset();
  return key;
}

}  // namespace

Result<KeyRecord> parse_key_record(std::string_view text) {
  if (text.size() > kMaxKeyRecordSize) return Error{"key record longer than 8192 bytes"};
  auto tags = parse_tag_list(text);
  if (!tags.ok()) return Error{"key record: " + tags.message()};

  // RFC 6376 §3.6.1 v=: "DKIM1", and when present it must be the first tag.
  if (const std::string* v = find_tag(*tags, "v")) {
    if (*v != "DKIM1") return Error{"key record: v= is not DKIM1"};
    if (tags->front().name != "v") return Error{"key record: v= is not the first tag"};
  }

  KeyRecord rec;
  if (const std::string* k = find_tag(*tags, "k")) {
    if (*k == "rsa")
      rec.type = KeyType::kRsa;
    else if (*k == "ed25519")
      rec.type = KeyType::kEd25519;
    else
      return Error{"key record: unknown key type k=" + *k};
  }
  // h= lists the hash algorithms the key may be used with; we only verify SHA-256
  // (RFC 8301 §3.1), so a key restricted to others is unusable.
  if (const std::string* h = find_tag(*tags, "h")) {
    if (!lists(split_colon_list(*h), "sha256"))
      return Error{"key record: h= does not allow sha256"};
  }
  if (const std::string* s = find_tag(*tags, "s")) {
    auto services = split_colon_list(*s);
    if (!lists(services, "*") && !lists(services, "email"))
      return Error{"key record: s= does not include email"};
  }
  if (const std::string* t = find_tag(*tags, "t")) {
    auto flags = split_colon_list(*t);
    rec.testing = lists(flags, "y");
    rec.strict = lists(flags, "s");
  }

  const std::string* p = find_tag(*tags, "p");
  if (!p) return Error{"key record: no p= tag"};
  auto der = base64_decode(*p);
  if (!der.ok()) return Error{"key record: p= is not valid base64: " + der.message()};
  if (der->empty()) {
    rec.revoked = true;
    return rec;
  }

  EvpPkey key;
  if (rec.type == KeyType::kEd25519) {
    // RFC 8463 §4.2: p= is the raw 32-byte public key, not SubjectPublicKeyInfo.
    if (der->size() != 32) return Error{"key record: Ed25519 key is not 32 bytes"};
    key.reset(EVP_PKEY_new_raw_public_key(
        EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(der->data()), 32));
    if (!key) {
      ERR_clear_error();
      return Error{"key record: bad Ed25519 key"};
    }
    rec.bits = 256;
  } else {
    key = decode_rsa(*der);
    ERR_clear_error();
    if (!key) return Error{"key record: p= is not an RSA public key"};
    if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA)
      return Error{"key record: p= holds a key that is not RSA (k=rsa)"};
    rec.bits = EVP_PKEY_get_bits(key.get());
    if (rec.bits > kMaxVerifyRsaBits) return Error{"key record: RSA key longer than 8192 bits"};
  }
  rec.key = std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free);
  return rec;
}

bool KeyRecord::verify_digest(std::string_view digest, std::string_view signature) const {
  if (!key) return false;
  auto* md = reinterpret_cast<const unsigned char*>(digest.data());
  auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  bool ok = false;
  if (type == KeyType::kEd25519) {
    // RFC 8463 §3: Ed25519 (pure) over the SHA-256 hash of the header data, as
    // PrivateKey::sign_digest makes it.
    EvpMdCtx ctx(EVP_MD_CTX_new());
    ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), sig, signature.size(), md, digest.size()) == 1;
  } else {
    // RFC 6376 §3.3.1: RSASSA-PKCS1-v1_5 with SHA-256, over the digest computed once.
    EvpPkeyCtx ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
    ok = ctx && EVP_PKEY_verify_init(ctx.get()) > 0 &&
         EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) > 0 &&
         EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) > 0 &&
         EVP_PKEY_verify(ctx.get(), sig, signature.size(), md, digest.size()) == 1;
  }
  ERR_clear_error();
  return ok;
}

}  // namespace postseal::dkim
