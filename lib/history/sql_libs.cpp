/// \file
/// Loading libsqlite3 and libpq on first use (see sql_libs.h).
#include "history/sql_libs.h"

#include "util/shared_lib.h"

namespace postseal::history::detail {
namespace {

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

}  // namespace

const SqliteApi& sqlite() {
  return shared_lib<SqliteApi>({"history", "libsqlite3.so.0", "libsqlite3-0"}, kSqliteNames);
}

const PqApi& pq() { return shared_lib<PqApi>({"history", "libpq.so.5", "libpq5"}, kPqNames); }

}  // namespace postseal::history::detail
