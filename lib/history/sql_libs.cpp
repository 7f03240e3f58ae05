/// \file
/// Loading libsqlite3 and libpq on first use (see sql_libs.h).
#include "history/sql_libs.h"

#include <mutex>
#include <optional>
#include <string>

#include <dlfcn.h>

#include "util/errors.h"

namespace postseal::history::detail {
namespace {

/// Opens `soname` and fills `fns` from `names` in order; an error text, or "" on success.
template <class Table>
std::string load(const char* soname, const char* package, const char* const* names,
                 Table& table) {
  void* lib = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr)
    return std::string("history: cannot load ") + soname + ": " + ::dlerror() + "; install " +
           package;
  constexpr size_t kCount = sizeof(Table) / sizeof(void*);
  auto* slots = reinterpret_cast<void**>(&table);
  for (size_t i = 0; i < kCount; ++i) {
    slots[i] = ::dlsym(lib, names[i]);
    if (slots[i] == nullptr)
      return std::string("history: ") + soname + " has no " + names[i] + "; install a newer " +
             package;
  }
  return "";
}

template <class Table>
const Table& loaded(const char* soname, const char* package, const char* const* names) {
  static std::once_flag once;
  static Table table{};
  static std::string error;
  std::call_once(once, [&] { error = load(soname, package, names, table); });
  if (!error.empty()) throw TempFailure(error);
  return table;
}

// In the order of the struct members.
constexpr const char* kSqliteNames[] = {
    "sqlite3_open_v2",      "sqlite3_close_v2",    "sqlite3_errmsg",    "sqlite3_errstr",
    "sqlite3_busy_timeout", "sqlite3_prepare_v2",  "sqlite3_bind_text", "sqlite3_step",
    "sqlite3_column_count", "sqlite3_column_text", "sqlite3_finalize"};
constexpr const char* kPqNames[] = {
    "PQconnectdbParams", "PQstatus",       "PQsetNoticeProcessor",
    "PQexecParams",      "PQresultStatus", "PQntuples",
    "PQnfields",         "PQgetvalue",     "PQerrorMessage",
    "PQclear",           "PQfinish"};
static_assert(sizeof(kSqliteNames) / sizeof(*kSqliteNames) ==
              sizeof(SqliteApi) / sizeof(void*));
static_assert(sizeof(kPqNames) / sizeof(*kPqNames) == sizeof(PqApi) / sizeof(void*));

}  // namespace

const SqliteApi& sqlite() {
  return loaded<SqliteApi>("libsqlite3.so.0", "libsqlite3-0", kSqliteNames);
}

const PqApi& pq() { return loaded<PqApi>("libpq.so.5", "libpq5", kPqNames); }

}  // namespace postseal::history::detail
