/// \file
/// gethostname(2) with a fallback (host_name.h).
#include "util/host_name.h"

#include <unistd.h>

namespace postseal {

std::string host_name() {
  // Zero-filled, and one byte kept back: POSIX leaves a truncated name without its NUL.
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

}  // namespace postseal
