/// \file
/// POSTSEAL_CHECK(cond): an invariant that must hold. A violation is a bug in postseal,
/// never bad input: it writes "panic: file:line: cond" to stderr and aborts (Postfix's
/// msg_panic). Never use it to validate input.
#ifndef POSTSEAL_UTIL_CHECK_H
#define POSTSEAL_UTIL_CHECK_H

namespace postseal::detail {
[[noreturn]] void check_failed(const char* file, int line, const char* cond);
}  // namespace postseal::detail

#define POSTSEAL_CHECK(cond) \
  ((cond) ? (void)0 : ::postseal::detail::check_failed(__FILE__, __LINE__, #cond))

#endif  // POSTSEAL_UTIL_CHECK_H
