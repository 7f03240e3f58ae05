/// \file
/// Reading the small text files configuration is made of (postseal.conf, KeyTable,
/// SigningTable, key files) in one place: whole-file reads with the file's permission
/// bits taken from the same open descriptor (no stat/open race), and the trimming and
/// line splitting the parsers share. Private to lib/config. Stateless; thread-safe.
#ifndef POSTSEAL_CONFIG_TEXT_FILE_H
#define POSTSEAL_CONFIG_TEXT_FILE_H

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

#include "util/result.h"

namespace postseal::config::detail {

/// A file's bytes, its permission bits (st_mode & 07777) and its owner.
struct FileData {
  std::string bytes;
  mode_t mode = 0;
  uid_t owner = 0;
};

/// Files larger than this are refused; no configuration file is anywhere near it.
inline constexpr std::size_t kMaxConfigFileBytes = 16 * 1024 * 1024;

/// Reads the whole of `path`. On failure returns an Error with the reason only
/// ("No such file or directory", "is a directory", "larger than ..."); the caller
/// adds the file name. Never throws (except std::bad_alloc).
Result<FileData> read_file(const std::string& path,
                           std::size_t max_bytes = kMaxConfigFileBytes);

/// `s` without leading and trailing spaces, tabs, CRs and LFs.
std::string_view trim(std::string_view s);

/// The lines of `text` (split at LF, a CR before the LF dropped), in order; a final
/// line without LF counts. Line N of the file is element N-1.
std::vector<std::string_view> split_lines(std::string_view text);

/// ASCII lower case.
std::string lower(std::string_view s);

}  // namespace postseal::config::detail

#endif  // POSTSEAL_CONFIG_TEXT_FILE_H
