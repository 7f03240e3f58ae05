/// \file
/// DKIM signing, RFC 6376 §5 (with RFC 8301 and RFC 8463 algorithms). A Signer makes
/// one or more DKIM-Signature fields for one message: the body is fed as a stream and
/// hashed once per distinct body canonicalization, whatever the number of signatures;
/// the header fields are given at the end. Which fields are signed follows a
/// HeaderPolicy (sign list, oversign list, omit list). Pure: time comes in as a number.
/// One Signer per message; not thread-safe. Keys are shared and immutable.
#ifndef POSTSEAL_DKIM_SIGNER_H
#define POSTSEAL_DKIM_SIGNER_H

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dkim/canon.h"
#include "dkim/key.h"
#include "mail/header.h"
#include "mail/message_parser.h"
#include "util/result.h"

namespace postseal::dkim {

/// One signature to make.
struct SignatureSpec {
  std::string domain;    ///< d=
  std::string selector;  ///< s=
  std::shared_ptr<const PrivateKey> key;
  Canon header_canon = Canon::kRelaxed;
  Canon body_canon = Canon::kRelaxed;
  std::optional<std::string> identity;  ///< i=, must be d= or a subdomain of it
  std::optional<int64_t> expire_after;  ///< x= is t= plus this many seconds
  bool body_length = false;             ///< write l= (the whole canonical body)
  bool timestamp = true;                ///< write t=
};

/// Which header fields go into h=.
struct HeaderPolicy {
  /// Fields signed when present (every instance). Default: RFC 6376 §5.4.1's list.
  std::vector<std::string> sign;
  /// Fields listed once more than they occur, so none can be added later (§8.15).
  std::vector<std::string> oversign;
  /// Fields never signed, whatever the other lists say (e.g. for relays that rewrite
  /// Message-ID and Date). From cannot be omitted.
  std::vector<std::string> omit;

  /// The default policy: §5.4.1's recommended fields plus MIME and Message-ID
  /// fields, with From oversigned.
  static HeaderPolicy defaults();
};

/// The h= list for these fields under this policy, lowercased, in the order the
/// verifier will take instances (bottom-up for repeated names).
std::vector<std::string> select_headers(const std::vector<mail::HeaderField>& fields,
                                        const HeaderPolicy& policy);

/// True when `name` is a DNS name DKIM can use in d= or s=: dot-separated labels of
/// letters, digits, '-' and '_', each 1..63 bytes, 253 bytes at most. Never fails.
bool is_domain_name(std::string_view name);

/// True when `name` equals `domain` or is a subdomain of it (ASCII case-insensitive),
/// the rule for i= against d= (RFC 6376 §3.5). Never fails.
bool domain_within(std::string_view name, std::string_view domain);

/// Checks a spec before use: domain and selector syntax, i= within d=. On failure
/// returns an Error naming the problem.
Status validate_spec(const SignatureSpec& spec);

/// Checks a header policy before use: DKIM-Signature may be neither signed nor
/// oversigned (RFC 6376 §3.5). On failure returns an Error naming the problem and the
/// fix. Never throws.
Status validate_policy(const HeaderPolicy& policy);

class Signer {
 public:
  /// `specs` must each pass validate_spec (checked again in finish()); `now` is the t=
  /// value (seconds since the epoch).
  Signer(std::vector<SignatureSpec> specs, HeaderPolicy policy, int64_t now);
  ~Signer();
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;

  /// Feeds the next body bytes (everything after the empty line). Never fails.
  void feed_body(std::string_view data);

  /// Ends the body and signs. Returns one complete DKIM-Signature field per spec, in
  /// spec order, each folded to 78 columns where possible and ending with `eol`. On
  /// failure (no From or several From fields, an invalid spec or policy, a key that
  /// will not sign) returns an Error with the reason; nothing is half-signed.
  Result<std::vector<std::string>> finish(const std::vector<mail::HeaderField>& fields,
                                          mail::LineEnding eol);

 private:
  struct BodyState;
  std::vector<SignatureSpec> specs_;
  HeaderPolicy policy_;
  int64_t now_;
  std::vector<std::unique_ptr<BodyState>> bodies_;  // one per body canonicalization
  std::vector<size_t> body_of_spec_;
};

}  // namespace postseal::dkim

#endif  // POSTSEAL_DKIM_SIGNER_H
