/// \file
/// Small descriptor I/O helpers every program shares: read and write that retry on
/// EINTR and report errors as TempFailure (trouble reading or writing a message is
/// worth a retry, never a verdict). Thread-safe (no state).
#ifndef POSTSEAL_IO_FD_IO_H
#define POSTSEAL_IO_FD_IO_H

#include <functional>
#include <string>
#include <string_view>

#include <sys/types.h>

namespace postseal::io {

/// Writes all of `data` to `fd`, retrying on EINTR and short writes. Throws TempFailure
/// naming `what` on an error.
void write_all(int fd, std::string_view data, const std::string& what);

/// Reads up to `n` bytes into `buf`, retrying on EINTR. Returns the count (0 at end of
/// input). Throws TempFailure naming `what` on an error.
size_t read_some(int fd, char* buf, size_t n, const std::string& what);

/// Reads `fd` to its end and passes every chunk (at most 64 KiB) to `sink`. Throws
/// TempFailure naming `what` on a read error.
void read_all(int fd, const std::string& what,
              const std::function<void(std::string_view)>& sink);

/// strerror(errno), for messages.
std::string errno_text();
/// strerror(error), for messages.
std::string errno_text(int error);

}  // namespace postseal::io

#endif  // POSTSEAL_IO_FD_IO_H
