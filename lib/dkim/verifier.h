/// \file
/// DKIM verification, RFC 6376 §6 (with RFC 8301 and RFC 8463): every DKIM-Signature of
/// a message is checked on its own and gets an RFC 8601 result with a short reason.
/// The header fields come first (they say which body hashes are needed); the body is
/// then fed as a stream and hashed once per distinct (body canonicalization, l=) pair,
/// so memory stays constant for any body size. Key records are fetched through the
/// dns::Resolver handed in; time comes in as a number. Pure apart from that resolver.
/// One Verifier per message; not thread-safe.
#ifndef POSTSEAL_DKIM_VERIFIER_H
#define POSTSEAL_DKIM_VERIFIER_H

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/resolver.h"
#include "mail/header.h"

namespace postseal::dkim {

/// RFC 8601 §2.7.1 DKIM results.
enum class Verdict { kPass, kFail, kNeutral, kPolicy, kTempError, kPermError };

/// "pass", "fail", "neutral", "policy", "temperror", "permerror".
std::string_view to_string(Verdict v);

/// The outcome for one DKIM-Signature field.
struct SignatureResult {
  Verdict verdict = Verdict::kPermError;
  std::string reason;     ///< short, for logs and the A-R comment; empty for pass
  std::string domain;     ///< d= (empty if the field had none)
  std::string selector;   ///< s=
  std::string identity;   ///< i= as written (empty when absent)
  std::string algorithm;  ///< a=
  std::string b_prefix;   ///< the first 8 characters of b= (for header.b, RFC 6008)
  bool testing = false;   ///< the key record says t=y: the domain is testing DKIM
  /// The tag list is invalid (RFC 6376 §3.2), so d= and s= were read best-effort by
  /// scan_tags_leniently() (the other tags are left empty); they name the signer for
  /// reports only.
  bool tags_best_effort = false;
  std::optional<uint64_t> body_limit;  ///< l=, when the signature has one
  uint64_t body_length = 0;  ///< canonical body length seen (for l= reports), when hashed
};

struct VerifyOptions {
  /// Only the first this many DKIM-Signature fields (top down) are checked; the rest get
  /// Verdict::kPolicy "too many signatures", with no key lookup and no hashing.
  size_t max_signatures = 8;
  /// A t= up to this many seconds in the future is accepted (clocks differ); a later
  /// one is permerror "signature timestamp in the future".
  int64_t clock_skew = 300;
};

class Verifier {
 public:
  /// `headers` are the message's header fields in order of appearance (the DKIM-Signature
  /// fields among them are the ones checked); `now` is seconds since the epoch. Each
  /// signature's tags are checked here; `resolver` is used only by finish() and must
  /// outlive the Verifier.
  Verifier(std::vector<mail::HeaderField> headers, dns::Resolver& resolver, int64_t now,
           VerifyOptions options = {});
  ~Verifier();
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  /// The number of DKIM-Signature fields in the header (0: nothing to verify).
  size_t signature_count() const;

  /// Feeds the next body bytes (everything after the empty line). Never fails.
  void feed_body(std::string_view data);

  /// Ends the body, looks up the keys and checks each signature. Returns one result per
  /// DKIM-Signature field, in order of appearance. Never fails: every problem is a
  /// verdict with a reason. Call once.
  std::vector<SignatureResult> finish();

 private:
  struct Signature;
  struct BodyHash;
  struct BodyStream;
  SignatureResult check(Signature& sig);

  std::vector<mail::HeaderField> headers_;
  dns::Resolver& resolver_;
  int64_t now_;
  VerifyOptions options_;
  std::vector<std::unique_ptr<Signature>> sigs_;
  std::vector<std::unique_ptr<BodyStream>> streams_;
};

}  // namespace postseal::dkim

#endif  // POSTSEAL_DKIM_VERIFIER_H
