/// \file
/// The bounded, expiring instance cache (see instance_cache.h).
#include "policy/instance_cache.h"

#include <algorithm>

namespace postseal::policy {

InstanceCache::InstanceCache(std::size_t capacity, int64_t ttl_seconds, const Clock& clock)
    : capacity_(std::max<std::size_t>(capacity, 1)), ttl_(ttl_seconds), clock_(clock) {}

void InstanceCache::erase(List::iterator it) {
  index_.erase(it->instance);
  order_.erase(it);
}

std::optional<Decision> InstanceCache::find(const std::string& instance,
                                            const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(instance);
  if (it == index_.end()) return std::nullopt;
  const Entry& e = *it->second;
  if (e.expires <= clock_.now()) {
    erase(it->second);
    return std::nullopt;
  }
  if (e.key != key) return std::nullopt;
  return e.decision;
}

void InstanceCache::insert(const std::string& instance, std::string key, Decision decision) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(instance);
  if (it != index_.end()) erase(it->second);
  // Entries are appended in time order, so the front is both the oldest and the first
  // to expire: drop expired ones, then make room.
  int64_t now = clock_.now();
  while (!order_.empty() && order_.front().expires <= now) erase(order_.begin());
  while (order_.size() >= capacity_) erase(order_.begin());
  order_.push_back(Entry{instance, std::move(key), now + ttl_, std::move(decision)});
  index_[instance] = std::prev(order_.end());
}

std::size_t InstanceCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return order_.size();
}

}  // namespace postseal::policy
