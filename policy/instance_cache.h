/// \file
/// Per-message memory for the policy daemon: Postfix sends one policy request per
/// recipient, all with the same `instance` attribute, and SPF must be evaluated and its
/// header prepended once per message. The cache maps an instance to the Decision made
/// for it, bounded in size (the oldest entry goes first) and in age (entries expire).
/// Time comes from a Clock handed in. Thread-safe: connections share one cache.
#ifndef POSTSEAL_POLICY_INSTANCE_CACHE_H
#define POSTSEAL_POLICY_INSTANCE_CACHE_H

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "policy/decision.h"
#include "util/clock.h"

namespace postseal::policy {

class InstanceCache {
 public:
  /// Keeps at most `capacity` entries (at least 1), each for `ttl_seconds`. The clock
  /// must outlive the cache.
  InstanceCache(std::size_t capacity, int64_t ttl_seconds, const Clock& clock);

  /// The decision stored for `instance`, if it is there, not expired, and was made for
  /// the same `key` (client, HELO and sender: a reused instance value with another
  /// envelope is a new message). Never throws (except std::bad_alloc).
  std::optional<Decision> find(const std::string& instance, const std::string& key);

  /// Stores (or replaces) the decision for `instance`, evicting the oldest entry when
  /// full.
  void insert(const std::string& instance, std::string key, Decision decision);

  std::size_t size() const;

 private:
  struct Entry {
    std::string instance;
    std::string key;
    int64_t expires = 0;
    Decision decision;
  };
  using List = std::list<Entry>;

  void erase(List::iterator it);

  const std::size_t capacity_;
  const int64_t ttl_;
  const Clock& clock_;
  mutable std::mutex mu_;
  List order_;  // oldest first
  std::unordered_map<std::string, List::iterator> index_;
};

}  // namespace postseal::policy

#endif  // POSTSEAL_POLICY_INSTANCE_CACHE_H
