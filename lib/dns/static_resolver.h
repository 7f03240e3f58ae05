/// \file
/// An in-memory Resolver for unit tests (Unbound's replay, LevelDB's memenv): answers
/// come from a table the test fills; a name can be made to time out or SERVFAIL, and
/// every query is counted, so a test can see how many lookups a check made. Pure (no
/// I/O); safe to share between threads (a mutex guards the table and the log).
#ifndef POSTSEAL_DNS_STATIC_RESOLVER_H
#define POSTSEAL_DNS_STATIC_RESOLVER_H

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "dns/resolver.h"

namespace postseal::dns {

class StaticResolver : public Resolver {
 public:
  /// Adds one TXT record (a second call for the same name adds another record).
  void add_txt(std::string_view name, std::string_view text);
  /// Adds an A (4 bytes) or AAAA (16 bytes) record from its text form, e.g. "192.0.2.1".
  void add_address(std::string_view name, std::string_view address);
  /// Adds an MX record pointing to `exchange` (kept in the order added).
  void add_mx(std::string_view name, std::string_view exchange);
  /// Adds a PTR record.
  void add_ptr(std::string_view name, std::string_view target);
  /// Makes `name` (a CNAME owner) answer with the records of `target`, for every type.
  void add_cname(std::string_view name, std::string_view target);
  /// Every query for `name` (any type) answers `status` with `reason`.
  void fail(std::string_view name, Status status, std::string reason = "simulated failure");

  /// Names that have any record are NODATA for other types; unknown names are NXDOMAIN.
  Answer query(std::string_view name, Type type) override;

  /// The queries made so far, as "NAME TYPE".
  std::vector<std::string> log() const;
  size_t query_count() const;

 private:
  Answer lookup(const std::string& name, Type type, int depth) const;

  mutable std::mutex mu_;
  std::map<std::pair<std::string, Type>, std::vector<std::string>> records_;
  std::map<std::string, std::string> cnames_;
  std::map<std::string, std::pair<Status, std::string>> failures_;
  std::vector<std::string> log_;
};

}  // namespace postseal::dns

#endif  // POSTSEAL_DNS_STATIC_RESOLVER_H
