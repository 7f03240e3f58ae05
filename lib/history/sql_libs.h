/// \file
/// libsqlite3 and libpq, loaded with dlopen on first use. postseal-filter carries the
/// history code for its SMTP daemon, but in pipe mode (one process per message) it never
/// opens a store, and libpq alone would bring some twenty shared libraries (Kerberos,
/// LDAP, GnuTLS, SASL) into every start. Only the types come from the headers; every call
/// goes through the tables below. Thread-safe (loaded once, then read-only).
#ifndef POSTSEAL_HISTORY_SQL_LIBS_H
#define POSTSEAL_HISTORY_SQL_LIBS_H

#include <memory>

#include <libpq-fe.h>
#include <sqlite3.h>

namespace postseal::history::detail {

/// The SQLite functions the store uses.
struct SqliteApi {
  decltype(&sqlite3_open_v2) open_v2;
  decltype(&sqlite3_close_v2) close_v2;
  decltype(&sqlite3_errmsg) errmsg;
  decltype(&sqlite3_errstr) errstr;
  decltype(&sqlite3_busy_timeout) busy_timeout;
  decltype(&sqlite3_prepare_v2) prepare_v2;
  decltype(&sqlite3_bind_text) bind_text;
  decltype(&sqlite3_step) step;
  decltype(&sqlite3_column_count) column_count;
  decltype(&sqlite3_column_text) column_text;
  decltype(&sqlite3_finalize) finalize;
};

/// The libpq functions the store uses.
struct PqApi {
  decltype(&PQconnectdbParams) connectdb_params;
  decltype(&PQstatus) status;
  decltype(&PQsetNoticeProcessor) set_notice_processor;
  decltype(&PQexecParams) exec_params;
  decltype(&PQresultStatus) result_status;
  decltype(&PQntuples) ntuples;
  decltype(&PQnfields) nfields;
  decltype(&PQgetvalue) getvalue;
  decltype(&PQerrorMessage) error_message;
  decltype(&PQclear) clear;
  decltype(&PQfinish) finish;
};

/// libsqlite3.so.0, loaded on the first call. Throws TempFailure ("history: cannot load
/// libsqlite3.so.0: ...; install libsqlite3-0") when it is missing.
const SqliteApi& sqlite();
/// libpq.so.5, likewise ("...; install libpq5").
const PqApi& pq();

struct SqliteClose {
  void operator()(sqlite3* db) const { sqlite().close_v2(db); }
};
struct SqliteFinalize {
  void operator()(sqlite3_stmt* st) const { sqlite().finalize(st); }
};
struct PqFinish {
  void operator()(PGconn* c) const { pq().finish(c); }
};
struct PqClear {
  void operator()(PGresult* r) const { pq().clear(r); }
};
// The close and finalize codes say nothing new: each error was read where it happened.
using SqliteDb = std::unique_ptr<sqlite3, SqliteClose>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, SqliteFinalize>;
using PgConn = std::unique_ptr<PGconn, PqFinish>;
using PgResult = std::unique_ptr<PGresult, PqClear>;

}  // namespace postseal::history::detail

#endif  // POSTSEAL_HISTORY_SQL_LIBS_H
