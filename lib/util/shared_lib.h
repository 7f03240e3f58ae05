/// \file
/// Shared libraries loaded with dlopen on first use, as a table of function pointers.
/// A program that links a library loads and relocates it (and everything it needs) at
/// every start; postseal-filter runs once per message and often needs neither DNS nor
/// SPF, so libunbound, libspf2, libsqlite3 and libpq are opened only when first called
/// (doc/notes/pipe-filter-cost.md). Only the types come from the library's headers.
/// Thread-safe: each table is loaded once (std::call_once), then only read.
#ifndef POSTSEAL_UTIL_SHARED_LIB_H
#define POSTSEAL_UTIL_SHARED_LIB_H

#include <cstddef>
#include <mutex>
#include <string>

#include "util/errors.h"

namespace postseal {

/// Where a table comes from: `soname` (the stable name, e.g. "libunbound.so.8"), the
/// Debian package that installs it, and `who` for the error text ("dns", "spf").
struct SharedLib {
  const char* who;
  const char* soname;
  const char* package;
};

namespace detail {
/// dlopens `lib.soname` and fills slots[0, count) with dlsym(names[i]). Returns "" on
/// success, otherwise an error text that names the file and the package to install.
std::string load_shared_lib(const SharedLib& lib, const char* const* names, void** slots,
                            size_t count);
}  // namespace detail

/// The table `Table` (a struct of pointers only: functions, or a library's global
/// variables), its members filled in order from `names`, loaded on the first call.
/// Throws TempFailure ("dns: cannot load libunbound.so.8: ...; install libunbound8")
/// when the library or a name is missing, on that and every later call.
template <class Table, size_t N>
const Table& shared_lib(const SharedLib& lib, const char* const (&names)[N]) {
  static_assert(N * sizeof(void*) == sizeof(Table), "one name for each member, in order");
  static std::once_flag once;
  static Table table{};
  static std::string error;
  std::call_once(once, [&] {
    error = detail::load_shared_lib(lib, names, reinterpret_cast<void**>(&table), N);
  });
  if (!error.empty()) throw TempFailure(error);
  return table;
}

}  // namespace postseal

#endif  // POSTSEAL_UTIL_SHARED_LIB_H
