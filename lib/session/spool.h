/// \file
/// Where a message waits while it is checked: in memory up to a threshold, then in an
/// unlinked temporary file (so nothing is left behind, whatever happens to the process).
/// Memory is bounded by the threshold for any message size. One Spool per message; not
/// thread-safe.
#ifndef POSTSEAL_SESSION_SPOOL_H
#define POSTSEAL_SESSION_SPOOL_H

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "util/unique_fd.h"

namespace postseal::session {

class Spool {
 public:
  /// Keeps up to `memory_limit` bytes in memory; past that, everything goes to an
  /// unlinked file created in `dir` ($TMPDIR or /tmp when empty).
  explicit Spool(size_t memory_limit, std::string dir = {});

  /// Appends bytes. Throws TempFailure when the spool file cannot be created or written.
  void append(std::string_view data);

  /// Bytes held so far.
  uint64_t size() const { return size_; }
  /// True once the message went to a file.
  bool spilled() const { return static_cast<bool>(file_); }

  /// Passes the bytes from `offset` to the end to `sink`, in chunks of at most 64 KiB.
  /// May be called any number of times. Throws TempFailure on a read error.
  void copy_out(uint64_t offset, const std::function<void(std::string_view)>& sink) const;

 private:
  void spill();

  size_t memory_limit_;
  std::string dir_;
  std::string memory_;
  UniqueFd file_;
  uint64_t size_ = 0;
};

}  // namespace postseal::session

#endif  // POSTSEAL_SESSION_SPOOL_H
