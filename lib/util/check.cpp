/// \file
/// The out-of-line half of POSTSEAL_CHECK.
#include "util/check.h"

#include <cstdio>
#include <cstdlib>

namespace postseal::detail {

void check_failed(const char* file, int line, const char* cond) {
  std::fprintf(stderr, "panic: %s:%d: invariant failed: %s\n", file, line, cond);
  std::abort();
}

}  // namespace postseal::detail
