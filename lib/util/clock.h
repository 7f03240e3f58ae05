/// \file
/// Clock: where the core gets "now" from, handed in explicitly so that signatures and
/// expiry checks are deterministic in tests (OpenDKIM's fixed-time idea). Thread-safe.
#ifndef POSTSEAL_UTIL_CLOCK_H
#define POSTSEAL_UTIL_CLOCK_H

#include <chrono>
#include <cstdint>
#include <ctime>

namespace postseal {

/// Seconds since the Unix epoch.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now() const = 0;
};

/// The system's wall clock.
class SystemClock final : public Clock {
 public:
  int64_t now() const override { return static_cast<int64_t>(std::time(nullptr)); }
};

/// Always the same instant.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(int64_t t) : t_(t) {}
  int64_t now() const override { return t_; }

 private:
  int64_t t_;
};

/// Milliseconds on the monotonic clock, for timeouts and rate limits in the daemons.
inline int64_t monotonic_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace postseal

#endif  // POSTSEAL_UTIL_CLOCK_H
