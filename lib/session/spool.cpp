/// \file
/// The memory-then-file spool.
#include "session/spool.h"

#include <cerrno>
#include <cstdlib>
#include <vector>

#include <unistd.h>

#include "io/fd_io.h"
#include "util/errors.h"

namespace postseal::session {
namespace {

constexpr size_t kBlock = 64 * 1024;

}  // namespace

Spool::Spool(size_t memory_limit, std::string dir)
    : memory_limit_(memory_limit), dir_(std::move(dir)) {
  if (dir_.empty()) {
    const char* t = std::getenv("TMPDIR");
    dir_ = t && *t ? t : "/tmp";
  }
}

void Spool::spill() {
  std::string path = dir_ + "/postseal.XXXXXX";
  file_.reset(::mkstemp(path.data()));
  if (!file_)
    throw TempFailure("cannot create a spool file in " + dir_ + ": " + io::errno_text());
  ::unlink(path.c_str());
  io::write_all(file_.get(), memory_, "spool file");
  std::string().swap(memory_);
}

void Spool::append(std::string_view data) {
  if (!file_ && memory_.size() + data.size() > memory_limit_) spill();
  if (file_)
    io::write_all(file_.get(), data, "spool file");
  else
    memory_.append(data);
  size_ += data.size();
}

void Spool::copy_out(uint64_t offset, const std::function<void(std::string_view)>& sink) const {
  if (!file_) {
    std::string_view rest(memory_);
    if (offset > rest.size()) return;
    rest.remove_prefix(static_cast<size_t>(offset));
    while (!rest.empty()) {
      size_t n = std::min(rest.size(), kBlock);
      sink(rest.substr(0, n));
      rest.remove_prefix(n);
    }
    return;
  }
  std::vector<char> buf(kBlock);
  uint64_t at = offset;
  while (at < size_) {
    ssize_t n = ::pread(file_.get(), buf.data(), buf.size(), static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw TempFailure("read spool file: " + io::errno_text());
    if (n == 0) throw TempFailure("read spool file: ends before the message does");
    sink(std::string_view(buf.data(), static_cast<size_t>(n)));
    at += static_cast<uint64_t>(n);
  }
}

}  // namespace postseal::session
