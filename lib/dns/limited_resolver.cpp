/// \file
/// LimitedResolver (limited_resolver.h).
#include "dns/limited_resolver.h"

#include <utility>

namespace postseal::dns {

LimitedResolver::LimitedResolver(Resolver& inner, Limits limits,
                                 std::function<Clock::time_point()> now)
    : inner_(inner), limits_(limits), now_(std::move(now)) {}

Answer LimitedResolver::query(std::string_view name, Type type) {
  Answer refused;
  refused.status = Status::kTempError;
  if (limits_.max_queries != 0 && queries_ >= limits_.max_queries) {
    // Short: the DKIM verifier keeps 32 bytes of a DNS reason.
    refused.reason = "dns-lookup-limit reached";
  } else if (limits_.time.count() != 0 && deadline_ && now_() >= *deadline_) {
    refused.reason = "message-time-limit reached";
  } else {
    if (limits_.time.count() != 0 && !deadline_) deadline_ = now_() + limits_.time;
    ++queries_;
    return inner_.query(name, type);
  }
  ++refused_;
  refusal_ = refused.reason;
  return refused;
}

}  // namespace postseal::dns
