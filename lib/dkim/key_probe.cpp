/// \file
/// Key record checks for the operator tools (key_probe.h).
#include "dkim/key_probe.h"

#include <openssl/evp.h>

#include "dkim/key_record.h"
#include "dns/zone_text.h"
#include "util/ascii.h"

namespace postseal::dkim {
namespace {

// Longest CNAME chain followed hop by hop (resolvers give up around here too).
constexpr int kMaxHops = 8;

bool looks_like_key_record(std::string_view text) {
  return text.find("v=DKIM1") != std::string_view::npos ||
         text.find("p=") != std::string_view::npos;
}

KeyProbe& done(KeyProbe& p, KeyOutcome o, std::string message) {
  p.outcome = o;
  p.message = std::move(message);
  return p;
}

}  // namespace

std::string_view to_string(KeyOutcome o) {
  switch (o) {
    case KeyOutcome::kOk:
      return "ok";
    case KeyOutcome::kNotFound:
      return "not-found";
    case KeyOutcome::kCnameBroken:
      return "cname-broken";
    case KeyOutcome::kBadSplit:
      return "bad-split";
    case KeyOutcome::kInvalid:
      return "invalid";
    case KeyOutcome::kRevoked:
      return "revoked";
    case KeyOutcome::kTooShort:
      return "too-short";
    case KeyOutcome::kMismatch:
      return "mismatch";
    case KeyOutcome::kTesting:
      return "testing";
    case KeyOutcome::kTcpOnly:
      return "tcp-only";
    case KeyOutcome::kDnsError:
      return "dns-error";
  }
  return "?";
}

KeyProbe probe_key(dns::Resolver& resolver, std::string_view domain, std::string_view selector,
                   const PrivateKey* key) {
  KeyProbe p;
  std::string d = ascii_lower(domain);
  if (!d.empty() && d.back() == '.') d.pop_back();
  p.name = std::string(selector) + "._domainkey." + d;

  // The CNAME chain, one question per hop, so a typo in a delegated selector (Amazon
  // SES's three CNAMEs into dkim.amazonses.com) is shown where it is.
  std::string end = p.name;
  for (int i = 0; i < kMaxHops; ++i) {
    dns::Answer c = resolver.query(end, dns::Type::kCname);
    if (c.status == dns::Status::kTempError)
      return done(p, KeyOutcome::kDnsError,
                  "DNS error asking for " + end + ": " + c.reason +
                      "; try again, or check the DNS server");
    if (c.status != dns::Status::kOk || c.records.empty()) break;
    p.hops.push_back(end + " CNAME " + c.records.front());
    end = c.records.front();
  }

  dns::Answer a = resolver.query(p.name, dns::Type::kTxt);
  if (a.status == dns::Status::kTempError || a.status == dns::Status::kPermError)
    return done(
        p, KeyOutcome::kDnsError,
        "DNS error asking for " + p.name + " TXT: " + a.reason +
            "; this is not a verdict on the record: try again, or check the DNS server");
  if (a.status != dns::Status::kOk) {
    if (!p.hops.empty())
      return done(p, KeyOutcome::kCnameBroken,
                  p.name + " is a CNAME, but its chain ends at " + end +
                      ", which has no TXT record: check the CNAME target for a typo (RFC 6376 "
                      "section 3.6.2.1)");
    return done(p, KeyOutcome::kNotFound,
                "no TXT record at " + p.name + " (" + std::string(dns::to_string(a.status)) +
                    "): publish the record, in the zone of " + d + ", with the owner name " +
                    std::string(selector) + "._domainkey");
  }
  p.record = a.records.front();
  for (const auto& r : a.records)
    if (looks_like_key_record(r)) {
      p.record = r;
      break;
    }
  p.answer_size = dns::txt_answer_size(p.name, a.records);

  // Wrong splits. RFC 6376 §3.6.2.2: several strings of one record are concatenated,
  // but several records at the name make the result undefined (a selector name holds
  // the key record alone); a console that was given the zone-file form keeps its quotes
  // as part of the text.
  if (a.records.size() > 1)
    return done(p, KeyOutcome::kBadSplit,
                std::to_string(a.records.size()) + " TXT records at " + p.name +
                    ": the key must be one record (long text is several strings inside one "
                    "record, RFC 6376 section 3.6.2.2); delete them and publish the record "
                    "once, as the one string postseal keygen prints");
  if (p.record.find('"') != std::string::npos || p.record.find('\\') != std::string::npos)
    return done(p, KeyOutcome::kBadSplit,
                "the record at " + p.name +
                    " contains quote or backslash characters: the zone-file form (with its "
                    "quotes) was pasted where the text belongs; replace it with the one string "
                    "postseal keygen prints, without quotes");

  auto rec = parse_key_record(p.record);
  if (!rec.ok())
    return done(p, KeyOutcome::kInvalid,
                "the record at " + p.name + " does not parse: " + rec.message() +
                    " (RFC 6376 section 3.6.1); publish the record postseal keygen wrote");
  p.type = rec->type;
  p.bits = rec->bits;
  if (rec->revoked)
    return done(p, KeyOutcome::kRevoked,
                "the key at " + p.name +
                    " is revoked (empty p=, RFC 6376 section 3.6.1): signatures with this "
                    "selector fail; sign with another selector or publish the key again");
  if (rec->type == KeyType::kRsa && rec->bits < kMinRsaBits)
    return done(p, KeyOutcome::kTooShort,
                "the RSA key at " + p.name + " has " + std::to_string(rec->bits) +
                    " bits; verifiers must not accept keys under 1024 bits (RFC 8301 section "
                    "3.2): make a 2048-bit key with postseal keygen and publish it");
  if (key) {
    auto mine = parse_key_record(key->public_record());
    bool same = mine.ok() && mine->key && mine->type == rec->type &&
                EVP_PKEY_eq(mine->key.get(), rec->key.get()) == 1;
    if (!same)
      return done(p, KeyOutcome::kMismatch,
                  "the key at " + p.name +
                      " is not the public half of the private key: mail signed with it fails; "
                      "publish the record written next to the key (SELECTOR.txt) or use the "
                      "matching key file");
  }
  if (rec->testing)
    return done(p, KeyOutcome::kTesting,
                "the record at " + p.name +
                    " has t=y: verifiers may treat failing signatures as unsigned (RFC 6376 "
                    "section 3.6.1); remove t=y once signing works");
  if (p.answer_size > dns::kPlainUdpSize)
    return done(p, KeyOutcome::kTcpOnly,
                "the answer for " + p.name + " is about " + std::to_string(p.answer_size) +
                    " bytes, more than the 512 of a plain UDP answer (RFC 1035 section "
                    "4.2.1): verifiers without EDNS0 must retry over TCP, so TCP port 53 must "
                    "be open; a 2048-bit key fits");
  std::string what = rec->type == KeyType::kEd25519
                         ? std::string("Ed25519 key (RFC 8463)")
                         : std::to_string(rec->bits) + "-bit RSA key";
  return done(p, KeyOutcome::kOk,
              "key OK: " + p.name + " has a " + what +
                  (key ? " that matches the private key" : "") +
                  (rec->type == KeyType::kRsa && rec->bits < 2048
                       ? "; RFC 8301 section 3.2 recommends 2048 bits"
                       : ""));
}

}  // namespace postseal::dkim
