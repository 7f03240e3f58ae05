/// \file
/// DKIM-Signature generation (RFC 6376 §5).
#include "dkim/signer.h"

#include <algorithm>

#include <openssl/evp.h>

#include "dkim/header_hash.h"
#include "util/ascii.h"
#include "util/base64.h"
#include "util/c_handle.h"

namespace postseal::dkim {
namespace {

constexpr size_t kMaxLine = 78;  // RFC 5322 §2.1.1's "SHOULD" line length

bool contains(const std::vector<std::string>& v, std::string_view name) {
  return std::any_of(v.begin(), v.end(),
                     [&](const std::string& s) { return mail::iequals(s, name); });
}

bool valid_label(std::string_view l) {
  if (l.empty() || l.size() > 63) return false;
  for (char c : l)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '-' || c == '_'))
      return false;
  return l.front() != '-' && l.back() != '-';
}

// Writes a DKIM-Signature field, folding between tags and inside long values so lines
// stay within 78 characters. Works in CRLF; the caller converts.
class FieldWriter {
 public:
  FieldWriter() : text_("DKIM-Signature:"), col_(text_.size()) {}

  // A tag that stays on one line ("a=rsa-sha256;").
  void tag(std::string_view name, std::string_view value) {
    std::string piece = std::string(name) + "=" + std::string(value) + ";";
    if (col_ + 1 + piece.size() > kMaxLine)
      fold();
    else
      space();
    append(piece);
  }

  // h=: folded at colons when it does not fit.
  void header_list(const std::vector<std::string>& names) {
    std::string all;
    for (size_t i = 0; i < names.size(); ++i) all += (i ? ":" : "") + names[i];
    if (col_ + 4 + all.size() <= kMaxLine) return tag("h", all);
    fold();
    append("h=");
    for (size_t i = 0; i < names.size(); ++i) {
      std::string piece = names[i] + (i + 1 < names.size() ? ":" : ";");
      if (col_ + piece.size() > kMaxLine) fold();
      append(piece);
    }
  }

  // A base64 value, split across lines as needed (FWS is allowed inside base64, §3.5).
  void base64(std::string_view name, std::string_view value, bool last) {
    std::string head = std::string(name) + "=";
    if (col_ + 1 + head.size() + value.size() + (last ? 0 : 1) <= kMaxLine) {
      space();
      append(head);
    } else {
      fold();
      append(head);
    }
    b64_value(value);
    if (!last) append(";");
  }

  // Starts b= on a line of its own; what precedes the value is what gets hashed.
  void start_b() {
    fold();
    append("b=");
  }

  void b64_value(std::string_view value) {
    while (!value.empty()) {
      if (col_ >= kMaxLine) fold();
      size_t room = kMaxLine - col_;
      size_t n = std::min(room, value.size());
      append(value.substr(0, n));
      value.remove_prefix(n);
    }
  }

  const std::string& text() const { return text_; }

 private:
  void fold() {
    text_ += "\r\n\t";
    col_ = 1;
  }
  void space() {
    text_ += ' ';
    ++col_;
  }
  void append(std::string_view s) {
    text_ += s;
    col_ += s.size();
  }

  std::string text_;
  size_t col_;
};

std::string to_eol(std::string_view crlf_text, mail::LineEnding eol) {
  if (eol == mail::LineEnding::kCrlf) return std::string(crlf_text);
  std::string out;
  out.reserve(crlf_text.size());
  for (size_t i = 0; i < crlf_text.size(); ++i) {
    if (crlf_text[i] == '\r' && i + 1 < crlf_text.size() && crlf_text[i + 1] == '\n') continue;
    out += crlf_text[i];
  }
  return out;
}

}  // namespace

bool is_domain_name(std::string_view d) {
  if (d.empty() || d.size() > 253) return false;
  size_t pos = 0;
  while (true) {
    size_t dot = d.find('.', pos);
    if (!valid_label(d.substr(pos, dot == std::string_view::npos ? dot : dot - pos)))
      return false;
    if (dot == std::string_view::npos) return true;
    pos = dot + 1;
  }
}

bool domain_within(std::string_view name, std::string_view domain) {
  std::string n = ascii_lower(name), d = ascii_lower(domain);
  return n == d || (n.size() > d.size() && n.compare(n.size() - d.size(), d.size(), d) == 0 &&
                    n[n.size() - d.size() - 1] == '.');
}

struct Signer::BodyState {
  BodyState(Canon c)
      : canon(c), md(EVP_MD_CTX_new()), canonicalizer(c, [this](std::string_view s) {
          EVP_DigestUpdate(md.get(), s.data(), s.size());
          length += s.size();
        }) {
    ok = md && EVP_DigestInit_ex(md.get(), EVP_sha256(), nullptr) == 1;
  }
  Canon canon;
  EvpMdCtx md;
  uint64_t length = 0;
  BodyCanonicalizer canonicalizer;
  bool ok = false;
};

HeaderPolicy HeaderPolicy::defaults() {
  HeaderPolicy p;
  // RFC 6376 §5.4.1's recommended fields, then the MIME and identification fields
  // whose change would alter what the reader sees, and RFC 8058's one-click field.
  p.sign = {"From",       "Reply-To",     "Subject",          "Date",
            "To",         "Cc",           "Resent-Date",      "Resent-From",
            "Resent-To",  "Resent-Cc",    "In-Reply-To",      "References",
            "List-Id",    "List-Help",    "List-Unsubscribe", "List-Subscribe",
            "List-Post",  "List-Owner",   "List-Archive",     "List-Unsubscribe-Post",
            "Message-ID", "MIME-Version", "Content-Type",     "Content-Transfer-Encoding",
            "Sender"};
  p.oversign = {"From"};
  return p;
}

std::vector<std::string> select_headers(const std::vector<mail::HeaderField>& fields,
                                        const HeaderPolicy& policy) {
  std::vector<std::string> names;
  std::vector<std::string> done;
  auto add = [&](std::string_view name) {
    if (contains(done, name)) return;
    done.emplace_back(name);
    // RFC 6376 §5.4: From is always signed; the omit list cannot remove it.
    if (!mail::iequals(name, "from") && contains(policy.omit, name)) return;
    std::string lower = ascii_lower(name);
    size_t n = mail::count_fields(fields, name);
    if (mail::iequals(name, "from") && n == 0) n = 1;
    for (size_t i = 0; i < n; ++i) names.push_back(lower);
    if (contains(policy.oversign, name)) names.push_back(lower);
  };
  add("From");
  for (const auto& n : policy.sign) add(n);
  for (const auto& n : policy.oversign) add(n);
  return names;
}

Status validate_spec(const SignatureSpec& spec) {
  if (!is_domain_name(spec.domain))
    return Error{"invalid signing domain \"" + spec.domain + "\""};
  if (!is_domain_name(spec.selector))
    return Error{"invalid selector \"" + spec.selector + "\""};
  if (!spec.key) return Error{"no key for " + spec.selector + "._domainkey." + spec.domain};
  if (spec.identity) {
    // RFC 6376 §3.5 i=: the domain must be d= or a subdomain of it.
    if (spec.identity->find('@') == std::string::npos ||
        !domain_within(spec.identity->substr(spec.identity->rfind('@') + 1), spec.domain))
      return Error{"identity \"" + *spec.identity + "\" is not within d=" + spec.domain};
    for (char c : *spec.identity)
      if (static_cast<unsigned char>(c) <= 0x20 || c == ';' ||
          static_cast<unsigned char>(c) > 0x7e)
        return Error{"identity contains a character DKIM cannot carry"};
  }
  return {};
}

Status validate_policy(const HeaderPolicy& policy) {
  // RFC 6376 §3.5: h= "MUST NOT include the DKIM-Signature header field that is being
  // created or verified". Listed in h=, the name is taken bottom-up (§5.4.2), and a
  // verifier reaches this signature's own field as soon as no earlier signature stands
  // below it for that entry: dkimpy, Mail::DKIM and OpenDKIM then fail the signature
  // (tests/data/dkim/02 and 04). dkimpy's signer refuses the name as well.
  for (const auto* list : {&policy.sign, &policy.oversign})
    for (const auto& name : *list)
      if (mail::iequals(name, "DKIM-Signature"))
        return Error{
            "DKIM-Signature cannot be signed or oversigned (RFC 6376 section 3.5: "
            "a verifier would hash the new signature's own field); remove it"};
  return {};
}

Signer::Signer(std::vector<SignatureSpec> specs, HeaderPolicy policy, int64_t now)
    : specs_(std::move(specs)), policy_(std::move(policy)), now_(now) {
  // Hash the body once per distinct body canonicalization, whatever the number of
  // signatures (l= always covers the whole body, so it does not split the hashes).
  for (const auto& s : specs_) {
    size_t idx = bodies_.size();
    for (size_t i = 0; i < bodies_.size(); ++i)
      if (bodies_[i]->canon == s.body_canon) idx = i;
    if (idx == bodies_.size()) bodies_.push_back(std::make_unique<BodyState>(s.body_canon));
    body_of_spec_.push_back(idx);
  }
}

Signer::~Signer() = default;

void Signer::feed_body(std::string_view data) {
  for (auto& b : bodies_) b->canonicalizer.feed(data);
}

Result<std::vector<std::string>> Signer::finish(const std::vector<mail::HeaderField>& fields,
                                                mail::LineEnding eol) {
  size_t froms = mail::count_fields(fields, "from");
  if (froms == 0) return Error{"no From header field"};
  if (froms > 1) return Error{"more than one From header field"};
  if (Status st = validate_policy(policy_); !st.ok()) return Error{st.message()};

  std::vector<std::string> body_hashes;
  std::vector<uint64_t> body_lengths;
  for (auto& b : bodies_) {
    b->canonicalizer.finish();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!b->ok || EVP_DigestFinal_ex(b->md.get(), md, &len) != 1)
      return Error{"body hash: OpenSSL digest failed"};
    body_hashes.push_back(base64_encode(std::string_view(reinterpret_cast<char*>(md), len)));
    body_lengths.push_back(b->length);
  }

  const std::vector<std::string> h = select_headers(fields, policy_);
  std::vector<std::string> out;
  for (size_t si = 0; si < specs_.size(); ++si) {
    const SignatureSpec& spec = specs_[si];
    Status st = validate_spec(spec);
    if (!st.ok()) return Error{st.message()};

    FieldWriter w;
    w.tag("v", "1");
    w.tag("a", algorithm_name(spec.key->type()));
    w.tag("c", std::string(to_string(spec.header_canon)) + "/" +
                   std::string(to_string(spec.body_canon)));
    w.tag("d", spec.domain);
    w.tag("s", spec.selector);
    if (spec.identity) w.tag("i", *spec.identity);
    if (spec.timestamp) w.tag("t", std::to_string(now_));
    if (spec.expire_after) w.tag("x", std::to_string(now_ + *spec.expire_after));
    if (spec.body_length) w.tag("l", std::to_string(body_lengths[body_of_spec_[si]]));
    w.header_list(h);
    w.base64("bh", body_hashes[body_of_spec_[si]], false);
    w.start_b();

    // RFC 6376 §5.4.2: the signed fields, then this field with an empty b= (header_hash.h).
    std::string data = header_hash_input(fields, h, spec.header_canon, w.text());

    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (EVP_Digest(data.data(), data.size(), md, &mdlen, EVP_sha256(), nullptr) != 1)
      return Error{"header hash: OpenSSL digest failed"};
    auto sig = spec.key->sign_digest(std::string_view(reinterpret_cast<char*>(md), mdlen));
    if (!sig.ok()) return Error{sig.message()};
    w.b64_value(base64_encode(*sig));
    out.push_back(to_eol(w.text() + "\r\n", eol));
  }
  return out;
}

}  // namespace postseal::dkim
