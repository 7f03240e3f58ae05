/// \file
/// EINTR-safe read and write.
#include "io/fd_io.h"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <unistd.h>

#include "util/errors.h"

namespace postseal::io {

std::string errno_text(int error) { return std::system_category().message(error); }

std::string errno_text() { return std::strerror(errno); }

void write_all(int fd, std::string_view data, const std::string& what) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw TempFailure("write " + what + ": " + errno_text());
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

size_t read_some(int fd, char* buf, size_t n, const std::string& what) {
  while (true) {
    ssize_t r = ::read(fd, buf, n);
    if (r >= 0) return static_cast<size_t>(r);
    if (errno != EINTR) throw TempFailure("read " + what + ": " + errno_text());
  }
}

void read_all(int fd, const std::string& what,
              const std::function<void(std::string_view)>& sink) {
  std::string buf(64 * 1024, '\0');
  while (size_t n = read_some(fd, buf.data(), buf.size(), what))
    sink(std::string_view(buf.data(), n));
}

}  // namespace postseal::io
