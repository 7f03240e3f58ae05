/// \file
/// DKIM-Signature verification (RFC 6376 §6).
#include "dkim/verifier.h"

#include <openssl/evp.h>

#include "dkim/canon.h"
#include "dkim/header_hash.h"
#include "dkim/key_record.h"
#include "dkim/signer.h"
#include "dkim/tag_list.h"
#include "util/ascii.h"
#include "util/base64.h"
#include "util/c_handle.h"

namespace postseal::dkim {
namespace {

// h= may name at most this many fields: each entry costs a scan of the header block.
constexpr size_t kMaxSignedFields = 512;
// At most this many key records (TXT records whose tag list has p=) are decoded per
// lookup; other TXT records are skipped without counting.
constexpr size_t kMaxKeyRecords = 8;

bool is_fws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string strip_fws(std::string_view s) {
  std::string out;
  for (char c : s)
    if (!is_fws(c)) out += c;
  return out;
}

// Hostile values end up in reasons: keep them short.
std::string clip(std::string_view s) {
  return s.size() <= 32 ? std::string(s) : std::string(s.substr(0, 32)) + "...";
}

// Decimal digits (at most 18, so the value fits in int64_t).
std::optional<int64_t> parse_number(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

// The field with the b= value removed (RFC 6376 §3.7: "the value of the b= tag
// (including all surrounding whitespace) is deleted"); every other byte, including the
// final line ending, is kept for canonicalization.
std::string without_b_value(std::string_view raw) {
  size_t end = raw.size();
  if (end && raw[end - 1] == '\n') --end;
  if (end && raw[end - 1] == '\r') --end;
  size_t pos = raw.find(':');
  if (pos == std::string_view::npos) return std::string(raw);
  ++pos;
  while (pos < end) {
    size_t semi = raw.find(';', pos);
    size_t spec_end = semi == std::string_view::npos || semi > end ? end : semi;
    size_t eq = raw.find('=', pos);
    if (eq != std::string_view::npos && eq < spec_end) {
      std::string_view name = raw.substr(pos, eq - pos);
      while (!name.empty() && is_fws(name.front())) name.remove_prefix(1);
      while (!name.empty() && is_fws(name.back())) name.remove_suffix(1);
      if (name == "b")
        return std::string(raw.substr(0, eq + 1)) + std::string(raw.substr(spec_end));
    }
    pos = spec_end + 1;
  }
  return std::string(raw);
}

}  // namespace

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kFail:
      return "fail";
    case Verdict::kNeutral:
      return "neutral";
    case Verdict::kPolicy:
      return "policy";
    case Verdict::kTempError:
      return "temperror";
    case Verdict::kPermError:
      return "permerror";
  }
  return "permerror";
}

// One SHA-256 over the canonical body, cut at l= when there is one.
struct Verifier::BodyHash {
  std::optional<uint64_t> limit;
  EvpMdCtx md{EVP_MD_CTX_new()};
  uint64_t hashed = 0;
  bool ok = false;
  std::string digest;  // set when the stream ends
};

// One canonicalization of the body, feeding every hash that uses it.
struct Verifier::BodyStream {
  explicit BodyStream(Canon c)
      : canon(c), canonicalizer(c, [this](std::string_view s) {
          length += s.size();
          for (auto& h : hashes) {
            std::string_view part = s;
            if (h->limit)
              part = part.substr(0, std::min<uint64_t>(part.size(), *h->limit - h->hashed));
            if (part.empty()) continue;
            EVP_DigestUpdate(h->md.get(), part.data(), part.size());
            h->hashed += part.size();
          }
        }) {}

  BodyHash* hash_for(std::optional<uint64_t> limit) {
    for (auto& h : hashes)
      if (h->limit == limit) return h.get();
    hashes.push_back(std::make_unique<BodyHash>());
    BodyHash* h = hashes.back().get();
    h->limit = limit;
    h->ok = h->md && EVP_DigestInit_ex(h->md.get(), EVP_sha256(), nullptr) == 1;
    return h;
  }

  void finish() {
    canonicalizer.finish();
    for (auto& h : hashes) {
      unsigned char md[EVP_MAX_MD_SIZE];
      unsigned int len = 0;
      if (h->ok && EVP_DigestFinal_ex(h->md.get(), md, &len) == 1)
        h->digest.assign(reinterpret_cast<char*>(md), len);
    }
  }

  Canon canon;
  uint64_t length = 0;
  std::vector<std::unique_ptr<BodyHash>> hashes;
  BodyCanonicalizer canonicalizer;
};

// A DKIM-Signature field and what its tags say, once they passed the syntax checks.
struct Verifier::Signature {
  size_t field = 0;
  SignatureResult result;
  bool decided = false;  // the result is final (an error found before hashing)
  KeyType key_type = KeyType::kRsa;
  Canon header_canon = Canon::kSimple;
  std::vector<std::string> signed_fields;  // h=, lowercase
  std::string identity_domain;             // the domain part of i=, or d=
  std::string body_hash;                   // bh=, decoded
  std::string signature;                   // b=, decoded
  BodyStream* stream = nullptr;
  BodyHash* hash = nullptr;

  void decide(Verdict v, std::string reason) {
    result.verdict = v;
    result.reason = std::move(reason);
    decided = true;
  }
};

namespace {

// RFC 6376 §3.5 and §6.1.1: the tag checks that need neither the body nor the key.
// Returns an empty string when the signature may be verified, else the permerror reason.
std::string check_tags(const std::vector<Tag>& tags, int64_t now, const VerifyOptions& options,
                       KeyType& key_type, std::pair<Canon, Canon>& canon,
                       std::vector<std::string>& signed_fields, std::string& identity_domain,
                       std::optional<uint64_t>& limit, std::string& bh, std::string& b) {
  const std::string* v = find_tag(tags, "v");
  if (!v) return "missing v= tag";
  if (*v != "1") return "unsupported version v=" + clip(*v);
  for (const char* required : {"a", "b", "bh", "d", "h", "s"})
    if (!find_tag(tags, required)) return std::string("missing ") + required + "= tag";

  // RFC 8301 §3.1: rsa-sha1 signatures are not valid; like an unknown algorithm it
  // leaves the signature unverifiable, hence permerror.
  std::string a = ascii_lower(*find_tag(tags, "a"));
  if (a == "rsa-sha256")
    key_type = KeyType::kRsa;
  else if (a == "ed25519-sha256")
    key_type = KeyType::kEd25519;
  else if (a == "rsa-sha1")
    return "rsa-sha1 is not accepted";
  else
    return "unknown algorithm a=" + clip(a);

  if (const std::string* c = find_tag(tags, "c")) {
    auto pair = parse_canon_pair(*c);
    if (!pair) return "unknown canonicalization c=" + clip(*c);
    canon = *pair;
  }
  if (const std::string* q = find_tag(tags, "q")) {
    bool dns_txt = false;
    for (auto m : split_colon_list(*q)) dns_txt = dns_txt || m == "dns/txt";
    if (!dns_txt) return "unsupported query method q=" + clip(*q);
  }
  const std::string& d = *find_tag(tags, "d");
  if (!is_domain_name(d)) return "invalid d= domain";
  if (!is_domain_name(*find_tag(tags, "s"))) return "invalid s= selector";

  // RFC 6376 §5.4: From must be signed.
  auto names = split_colon_list(*find_tag(tags, "h"));
  if (names.size() > kMaxSignedFields) return "h= lists too many fields";
  bool from = false;
  for (auto n : names) {
    if (n.empty()) return "malformed h= list";
    signed_fields.push_back(ascii_lower(n));
    from = from || signed_fields.back() == "from";
  }
  if (!from) return "From is not signed";

  identity_domain = d;
  if (const std::string* i = find_tag(tags, "i")) {
    size_t at = i->rfind('@');
    if (at == std::string::npos) return "malformed i= identity";
    identity_domain = i->substr(at + 1);
    if (!domain_within(identity_domain, d)) return "i= is not within d=";
  }

  std::optional<int64_t> t, x;
  if (const std::string* ts = find_tag(tags, "t")) {
    if (!(t = parse_number(*ts))) return "malformed t= timestamp";
    if (*t > now + options.clock_skew) return "signature timestamp in the future";
  }
  if (const std::string* xs = find_tag(tags, "x")) {
    if (!(x = parse_number(*xs))) return "malformed x= expiry";
    if (t && *x < *t) return "x= is before t=";
    if (*x < now) return "signature expired";
  }
  if (const std::string* l = find_tag(tags, "l")) {
    auto n = parse_number(*l);
    // A longer number than fits is longer than any body we could be given.
    if (!n && l->find_first_not_of("0123456789") != std::string::npos)
      return "malformed l= length";
    limit = n ? static_cast<uint64_t>(*n) : UINT64_MAX;
  }

  auto bh_bytes = base64_decode(*find_tag(tags, "bh"));
  if (!bh_bytes.ok()) return "malformed bh= (base64)";
  bh = std::move(bh_bytes).value();
  auto b_bytes = base64_decode(*find_tag(tags, "b"));
  if (!b_bytes.ok()) return "malformed b= (base64)";
  if (b_bytes->empty()) return "empty b= tag";
  b = std::move(b_bytes).value();
  return {};
}

}  // namespace

Verifier::Verifier(std::vector<mail::HeaderField> headers, dns::Resolver& resolver, int64_t now,
                   VerifyOptions options)
    : headers_(std::move(headers)), resolver_(resolver), now_(now), options_(options) {
  for (size_t fi = 0; fi < headers_.size(); ++fi) {
    if (!mail::iequals(headers_[fi].name(), "DKIM-Signature")) continue;
    auto sig = std::make_unique<Signature>();
    sig->field = fi;
    auto tags = parse_tag_list(headers_[fi].value());
    // Whatever the verdict, report who signed: these feed header.d= and the log.
    auto copy = [](const std::vector<Tag>& from, const char* name, std::string& into) {
      if (const std::string* v = find_tag(from, name)) into = *v;
    };
    if (tags.ok()) {
      copy(*tags, "d", sig->result.domain);
      copy(*tags, "s", sig->result.selector);
      copy(*tags, "i", sig->result.identity);
      copy(*tags, "a", sig->result.algorithm);
      if (const std::string* b = find_tag(*tags, "b"))
        sig->result.b_prefix = strip_fws(*b).substr(0, 8);
    } else {
      // RFC 6376 §3.2 and §6.1.1: an invalid tag list makes the signature a permerror
      // and none of its tags can be relied on. Operators and DMARC reports still want to
      // know whose signature broke, so d= and s= are read best-effort, marked as such.
      std::vector<Tag> loose = scan_tags_leniently(headers_[fi].value());
      copy(loose, "d", sig->result.domain);
      copy(loose, "s", sig->result.selector);
      sig->result.tags_best_effort =
          !sig->result.domain.empty() || !sig->result.selector.empty();
    }

    // Signatures beyond the limit cost no lookup and no hashing (attacker cost bound).
    if (sigs_.size() >= options_.max_signatures) {
      sig->decide(Verdict::kPolicy, "too many signatures");
    } else if (!tags.ok()) {
      sig->decide(Verdict::kPermError, "malformed signature: " + tags.message());
    } else {
      std::pair<Canon, Canon> canon{Canon::kSimple, Canon::kSimple};
      std::optional<uint64_t> limit;
      std::string reason =
          check_tags(*tags, now_, options_, sig->key_type, canon, sig->signed_fields,
                     sig->identity_domain, limit, sig->body_hash, sig->signature);
      sig->result.body_limit = limit;
      if (!reason.empty()) {
        sig->decide(Verdict::kPermError, std::move(reason));
      } else {
        sig->header_canon = canon.first;
        for (auto& s : streams_)
          if (s->canon == canon.second) sig->stream = s.get();
        if (!sig->stream) {
          streams_.push_back(std::make_unique<BodyStream>(canon.second));
          sig->stream = streams_.back().get();
        }
        sig->hash = sig->stream->hash_for(limit);
      }
    }
    sigs_.push_back(std::move(sig));
  }
}

Verifier::~Verifier() = default;

size_t Verifier::signature_count() const { return sigs_.size(); }

void Verifier::feed_body(std::string_view data) {
  for (auto& s : streams_) s->canonicalizer.feed(data);
}

std::vector<SignatureResult> Verifier::finish() {
  for (auto& s : streams_) s->finish();
  std::vector<SignatureResult> out;
  for (auto& sig : sigs_) out.push_back(sig->decided ? sig->result : check(*sig));
  return out;
}

SignatureResult Verifier::check(Signature& sig) {
  SignatureResult& r = sig.result;
  r.body_length = sig.stream->length;

  // The body first: it costs no DNS query, and a tampered body is the common failure.
  // RFC 6376 §6.1.3: an l= beyond the body cannot have been signed over this body.
  if (r.body_limit && *r.body_limit > sig.stream->length) {
    sig.decide(Verdict::kFail, "l= is longer than the body");
    return r;
  }
  if (sig.hash->digest.empty() || sig.hash->digest != sig.body_hash) {
    sig.decide(Verdict::kFail, "body hash did not verify");
    return r;
  }

  // RFC 6376 §6.1.2: the key from SELECTOR._domainkey.DOMAIN. Step 2 lets the verifier
  // cycle through several key records, whose order is unspecified (libunbound rotates
  // an RRset), so the outcome must not depend on it: see the loop below.
  dns::Answer answer = resolver_.query(r.selector + "._domainkey." + r.domain, dns::Type::kTxt);
  switch (answer.status) {
    case dns::Status::kOk:
      break;
    case dns::Status::kTempError:
      sig.decide(Verdict::kTempError, "key lookup failed: " + clip(answer.reason));
      return r;
    case dns::Status::kNoData:
    case dns::Status::kNxDomain:
      sig.decide(Verdict::kPermError, "key not found");
      return r;
    case dns::Status::kPermError:
      sig.decide(Verdict::kPermError, "key lookup failed: " + clip(answer.reason));
      return r;
  }
  // A TXT record that is not a tag list with p= (empty, binary, another protocol's
  // text, half a key) is not a key record, so not ours: skipped at the cost of a scan,
  // however many there are (RFC 6376 §3.6.2.2, §6.1.2; issue 15). Records that are key
  // records are parsed, the first that parses is used, and at most kMaxKeyRecords are
  // tried (each may cost a key decode). The reason given is the first key record's
  // problem, else the first record's. Key records are kept apart from the rest by
  // their tag list alone, never by v=, which is optional (§3.6.1).
  std::optional<KeyRecord> key;
  std::string key_error = "key not found";
  bool have_error = false;
  size_t tried = 0;
  for (size_t i = 0; i < answer.records.size() && tried < kMaxKeyRecords && !key; ++i) {
    const std::string& text = answer.records[i];
    auto tags = parse_tag_list(text);
    bool candidate = text.size() <= kMaxKeyRecordSize && tags.ok() && find_tag(*tags, "p");
    if (!candidate) {
      if (i == 0) key_error = parse_key_record(text).message();
      continue;
    }
    ++tried;
    auto rec = parse_key_record(text);
    if (rec.ok()) {
      key = std::move(rec).value();
    } else if (!have_error) {
      key_error = rec.message();
      have_error = true;
    }
  }
  if (!key) {
    sig.decide(Verdict::kPermError, key_error);
    return r;
  }
  r.testing = key->testing;
  if (key->revoked) {
    sig.decide(Verdict::kPermError, "key revoked");
    return r;
  }
  if (key->type != sig.key_type) {
    sig.decide(Verdict::kPermError, "key type does not match a=");
    return r;
  }
  // RFC 8301 §3.2: verifiers must not accept RSA keys under 1024 bits.
  if (key->type == KeyType::kRsa && key->bits < kMinRsaBits) {
    sig.decide(Verdict::kPermError, "RSA key shorter than 1024 bits");
    return r;
  }
  // RFC 6376 §3.6.1 t=s: the i= domain must be d= itself, not a subdomain.
  if (key->strict && !mail::iequals(sig.identity_domain, r.domain)) {
    sig.decide(Verdict::kFail, "i= is a subdomain of d= but the key says t=s");
    return r;
  }

  // RFC 6376 §3.5: h= "MUST NOT include the DKIM-Signature header field that is being
  // created or verified". When the §5.4.2 bottom-up count reaches the signature's own
  // field (h= names dkim-signature more often than other signature fields stand below
  // it), its own b= value would be in its hash, which no signer can have produced.
  // dkimpy, Mail::DKIM and OpenDKIM hash the field as it stands and fail; so do we,
  // with a reason that says why (tests/data/dkim/02 and 04).
  const mail::HeaderField& self = headers_[sig.field];
  if (takes_field(headers_, sig.signed_fields, self)) {
    sig.decide(Verdict::kFail, "h= covers the signature's own field (RFC 6376 section 3.5)");
    return r;
  }
  // RFC 6376 §5.4.2 and §3.7 (header_hash.h).
  std::string data = header_hash_input(headers_, sig.signed_fields, sig.header_canon,
                                       without_b_value(self.raw));
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  if (EVP_Digest(data.data(), data.size(), md, &mdlen, EVP_sha256(), nullptr) != 1 ||
      !key->verify_digest(std::string_view(reinterpret_cast<char*>(md), mdlen),
                          sig.signature)) {
    sig.decide(Verdict::kFail, "signature did not verify");
    return r;
  }
  r.verdict = Verdict::kPass;
  r.reason.clear();
  sig.decided = true;
  return r;
}

}  // namespace postseal::dkim
