/// \file
/// Whole-file reads and line helpers for the configuration parsers (see text_file.h).
/// Plain POSIX I/O: open once, fstat the descriptor, read to the end.
#include "config/text_file.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/ascii.h"
#include "util/unique_fd.h"

namespace postseal::config::detail {

Result<FileData> read_file(const std::string& path, std::size_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) return Error{std::strerror(errno)};

  // The mode comes from the descriptor we read, so a file swapped between a check and
  // the read cannot slip past require-safe-keys.
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Error{std::strerror(errno)};
  if (S_ISDIR(st.st_mode)) return Error{"is a directory"};

  FileData data;
  data.mode = st.st_mode & 07777;
  data.owner = st.st_uid;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error{std::strerror(errno)};
    }
    if (n == 0) break;
    if (data.bytes.size() + static_cast<std::size_t>(n) > max_bytes)
      return Error{"larger than " + std::to_string(max_bytes) + " bytes"};
    data.bytes.append(buf, static_cast<std::size_t>(n));
  }
  return data;
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(kSpace);
  return s.substr(b, e - b + 1);
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

std::string lower(std::string_view s) { return ascii_lower(s); }

}  // namespace postseal::config::detail
