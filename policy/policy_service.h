/// \file
/// One policy request in, one reply out: the per-request logic of postseal-policyd,
/// between the protocol parser (request.h) and the decision table (decision.h). It asks
/// for the SPF verdicts through the SpfChecks interface (the libspf2 Checker in the
/// daemon, a test double in unit tests) and remembers each message's decision by its
/// `instance`, so SPF is evaluated and the header prepended once per message, while a
/// rejection is repeated for every recipient. Does no I/O and no logging itself: the
/// Outcome says what to log. Thread-safe when the SpfChecks is.
#ifndef POSTSEAL_POLICY_POLICY_SERVICE_H
#define POSTSEAL_POLICY_POLICY_SERVICE_H

#include <string>

#include "policy/decision.h"
#include "policy/instance_cache.h"
#include "policy/request.h"
#include "spf/spf.h"

namespace postseal::policy {

/// Where verdicts come from.
class SpfChecks {
 public:
  virtual ~SpfChecks() = default;
  /// RFC 7208 §2.3. Never throws (except std::bad_alloc).
  virtual spf::Verdict check_helo(const spf::Envelope& env) = 0;
  /// RFC 7208 §2.4 (a non-null sender). Never throws (except std::bad_alloc).
  virtual spf::Verdict check_mail_from(const spf::Envelope& env) = 0;
};

/// What became of one request.
struct Outcome {
  enum class Kind {
    kMalformed,  ///< not a valid request: log a warning
    kDecided,    ///< SPF was evaluated (or skipped) now: log the decision
    kRepeated,   ///< a later recipient of a message already decided: no new log line
  };
  Kind kind = Kind::kDecided;
  std::string reply;  ///< the complete reply, "action=...\n\n"
  std::string error;  ///< for kMalformed: what was wrong
  Query query;        ///< for kDecided and kRepeated
  Decision decision;  ///< what was answered (for kMalformed: DUNNO or the deferral)
};

class PolicyService {
 public:
  /// `settings`, `checks` and `cache` must outlive the service.
  PolicyService(const PolicySettings& settings, SpfChecks& checks, InstanceCache& cache);

  /// Answers one request (well formed or not). Never throws except std::bad_alloc and
  /// what the SpfChecks throws; the connection handler turns those into a disconnect.
  Outcome handle(const ParsedRequest& request);

 private:
  const PolicySettings& settings_;
  SpfChecks& checks_;
  InstanceCache& cache_;
};

}  // namespace postseal::policy

#endif  // POSTSEAL_POLICY_POLICY_SERVICE_H
