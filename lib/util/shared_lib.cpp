/// \file
/// Loading a shared library's table of pointers (shared_lib.h).
#include "util/shared_lib.h"

#include <dlfcn.h>

namespace postseal::detail {

std::string load_shared_lib(const SharedLib& lib, const char* const* names, void** slots,
                            size_t count) {
  // RTLD_LOCAL: the library's symbols serve only this table, never another library's
  // references; the handle stays open until the process ends.
  void* handle = ::dlopen(lib.soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr)
    return std::string(lib.who) + ": cannot load " + lib.soname + ": " + ::dlerror() +
           "; install " + lib.package;
  for (size_t i = 0; i < count; ++i) {
    slots[i] = ::dlsym(handle, names[i]);
    if (slots[i] == nullptr)
      return std::string(lib.who) + ": " + lib.soname + " has no " + names[i] +
             "; install a newer " + lib.package;
  }
  return "";
}

}  // namespace postseal::detail
