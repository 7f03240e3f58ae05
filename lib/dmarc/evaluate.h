/// \file
/// DMARC evaluation as RFC 9989 defines it: policy discovery and Organizational Domains
/// by the DNS Tree Walk (§4.10, no Public Suffix List), identifier alignment (§4.10.2),
/// pass or fail (§5.3.5), and the policy in force with t= (§4.7). Pure apart from the
/// dns::Resolver handed in; every answer is asked at most once per Evaluator, and one
/// walk asks at most 8 names. One Evaluator per message; not thread-safe.
#ifndef POSTSEAL_DMARC_EVALUATE_H
#define POSTSEAL_DMARC_EVALUATE_H

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dmarc/record.h"
#include "dns/resolver.h"

namespace postseal::dmarc {

/// The DMARC results of RFC 9989 §11.2 (RFC 8601 result names).
enum class Result { kNone, kPass, kFail, kTempError, kPermError };
std::string_view to_string(Result r);

/// What the message offers to be checked.
struct Input {
  std::string author_domain;  ///< RFC5322.From domain, as an A-label (see author_domain())
  /// The SPF result ("pass", "fail", ... as RFC 7208 names them) and the domain it was
  /// for: the RFC5321.MailFrom domain, or the HELO name for the null sender.
  std::string spf_result;
  std::string spf_domain;
  struct Dkim {
    std::string domain;  ///< d=
    std::string selector;
    bool pass = false;
  };
  std::vector<Dkim> dkim;
};

/// The outcome, with what an operator needs to understand it.
struct Evaluation {
  Result result = Result::kNone;
  std::string author_domain;  ///< header.from
  std::string policy_domain;  ///< where the record in force was found
  std::string org_domain;     ///< the Author Domain's Organizational Domain, when needed
  std::optional<Record> record;
  std::string policy_tag;              ///< "p", "sp" or "np": the tag in force
  Policy policy = Policy::kNone;       ///< its value (p=none for an invalid one with rua)
  Policy disposition = Policy::kNone;  ///< what a fail asks for, one level lower with t=y
  /// What is to be done with the message: `disposition` for a fail, kNone for any other
  /// result, and kNone when a local override (dmarc/override.h) exempted it. This is
  /// the one field a front end acts on: the before-queue daemon answers 550 5.7.1
  /// exactly when it is kReject, and Authentication-Results carries it as policy.dmarc
  /// (RFC 9989 §9.1: the policy "applied/to be applied after policy options have been
  /// processed").
  Policy applied = Policy::kNone;
  /// RFC 9990 §3.1.6 override type ("local_policy", "mailing_list",
  /// "trusted_forwarder", "other") when a local override set `applied` to kNone, with
  /// what matched; both empty otherwise.
  std::string override_reason;
  std::string override_comment;
  std::string aligned;               ///< on pass: "dkim example.com" or "spf example.com"
  bool dkim_aligned = false;         ///< a DKIM pass aligned with the Author Domain
  bool spf_aligned = false;          ///< the SPF pass aligned with the Author Domain
  std::string reason;                ///< why, in words (for logs and `postseal verify`)
  std::vector<std::string> queries;  ///< the names asked, in order
};

/// One DNS Tree Walk (§4.10 steps 1-7) and what it found.
struct Walk {
  struct Found {
    std::string domain;
    Record record;
  };
  std::vector<Found> found;  ///< valid single records, longest name first
  bool temperror = false;    ///< a query failed: the walk is incomplete
  std::string error;
};

class Evaluator {
 public:
  explicit Evaluator(dns::Resolver& resolver);

  /// Evaluates the message. Never throws: DNS trouble is Result::kTempError.
  Evaluation evaluate(const Input& input);

  /// The walk from `domain` (its own _dmarc name first, then the names above it, with
  /// the jump to 7 labels for a longer name), stopping at a record with psd=y or psd=n.
  Walk walk(const std::string& domain);

  /// The Organizational Domain of `domain` from its walk (§4.10.2). nullopt when the walk
  /// met a temporary error.
  std::optional<std::string> org_domain(const std::string& domain);

 private:
  enum class Lookup { kOne, kNone, kTempError };
  Lookup lookup(const std::string& domain, Record& out, std::string& error);
  bool exists(const std::string& domain, bool& temperror);

  dns::Resolver& resolver_;
  std::map<std::string, dns::Answer> cache_;
  std::map<std::string, std::optional<std::string>> orgs_;
  std::vector<std::string> queries_;
};

/// The domain of an RFC5322.From address in the form DMARC compares: lower case, no
/// final dot, U-labels converted to A-labels (§5.3.1, RFC 5890 §2.3). nullopt when the
/// domain is not a valid name.
std::optional<std::string> author_domain(std::string_view address);

}  // namespace postseal::dmarc

#endif  // POSTSEAL_DMARC_EVALUATE_H
