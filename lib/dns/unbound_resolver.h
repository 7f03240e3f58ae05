/// \file
/// The Resolver on libunbound: the adapter that does DNS I/O for the whole suite. It
/// forwards to a settable upstream (`--dns 127.0.0.1:5353`) or to the servers in
/// /etc/resolv.conf, with EDNS0 and TCP fallback for large answers (a 4096-bit DKIM key),
/// CNAME chains followed, DNSSEC validation when a trust anchor file is given, a hard
/// per-query timeout, and an answer cache shared by every thread that uses the object
/// (so a daemon's connections share one cache). Thread-safe.
#ifndef POSTSEAL_DNS_UNBOUND_RESOLVER_H
#define POSTSEAL_DNS_UNBOUND_RESOLVER_H

#include <cstdint>
#include <memory>
#include <string>

#include "config/options.h"
#include "dns/resolver.h"
#include "util/result.h"

namespace postseal::dns {

struct UnboundOptions {
  /// "HOST", "HOST:PORT", "[V6]:PORT" or "V6"; empty means /etc/resolv.conf.
  std::string upstream;
  /// Each query answers within this time; a slower one is Status::kTempError.
  uint32_t timeout_ms = 5000;
  /// DNSSEC trust anchor file (e.g. /usr/share/dns/root.key); empty: no validation.
  std::string trust_anchor_file;
  /// At most this many answers are kept in the in-process cache (0: no cache).
  size_t cache_entries = 10000;
};

/// The options from the settings dns, dns-timeout and dns-trust-anchor (the one place
/// that maps them, for every program). Never fails: the values were validated on load.
UnboundOptions unbound_options(const config::Settings& s);

/// Turns "HOST[:PORT]", "[V6]:PORT" or a bare IPv4/IPv6 address into libunbound's
/// "ADDR@PORT" form. On failure (not a numeric address, a bad port) returns an Error.
Result<std::string> upstream_to_unbound(const std::string& upstream);

class UnboundResolver : public Resolver {
 public:
  /// Sets up libunbound and a background thread that delivers its answers. On failure
  /// (bad upstream, unreadable trust anchor, libunbound error) returns an Error that
  /// names the problem.
  static Result<std::unique_ptr<UnboundResolver>> create(const UnboundOptions& options);
  ~UnboundResolver() override;

  Answer query(std::string_view name, Type type) override;

  struct Impl;

 private:
  explicit UnboundResolver(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace postseal::dns

#endif  // POSTSEAL_DNS_UNBOUND_RESOLVER_H
