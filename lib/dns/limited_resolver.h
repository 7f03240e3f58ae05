/// \file
/// A Resolver that gives one message a budget: at most `max_queries` lookups, none
/// started more than `time` after the first (the options dns-lookup-limit and
/// message-time-limit). It wraps the daemon's shared resolver for the life of one
/// message; a lookup past the budget is not sent and answers kTempError with the
/// limit's name in `reason`, so the check that wanted it reports temperror (RFC 6376
/// §6.1.2 for a key, RFC 7208 §4.6.4 for SPF's elapsed time, RFC 9989 §4.10 for the
/// DMARC walk) and the mail goes on. A query already sent is not cut short: the
/// deadline can be overrun by at most one dns-timeout. Not thread-safe (one message,
/// one thread).
#ifndef POSTSEAL_DNS_LIMITED_RESOLVER_H
#define POSTSEAL_DNS_LIMITED_RESOLVER_H

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "dns/resolver.h"

namespace postseal::dns {

class LimitedResolver : public Resolver {
 public:
  using Clock = std::chrono::steady_clock;
  struct Limits {
    size_t max_queries = 0;             ///< 0: no limit
    std::chrono::milliseconds time{0};  ///< from the first lookup; 0: no limit
  };

  /// `inner` must outlive this object. `now` replaces the steady clock (unit tests).
  LimitedResolver(Resolver& inner, Limits limits,
                  std::function<Clock::time_point()> now = Clock::now);

  Answer query(std::string_view name, Type type) override;

  /// Lookups passed to the inner resolver so far.
  size_t queries() const { return queries_; }
  /// Lookups refused by a limit so far, and the reason of the last one.
  size_t refused() const { return refused_; }
  const std::string& refusal() const { return refusal_; }

 private:
  Resolver& inner_;
  Limits limits_;
  std::function<Clock::time_point()> now_;
  std::optional<Clock::time_point> deadline_;  ///< set by the first lookup
  size_t queries_ = 0;
  size_t refused_ = 0;
  std::string refusal_;
};

}  // namespace postseal::dns

#endif  // POSTSEAL_DNS_LIMITED_RESOLVER_H
