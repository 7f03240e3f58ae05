/// \file
/// The DMARC history store: rows of history::Row kept in SQLite (one host, the
/// default) or PostgreSQL (a database shared by several mail hosts), chosen by the one
/// option `history`. The program creates and upgrades the schema itself (a
/// schema_version table; version 1). Every operation is bounded by a short timeout, so a
/// busy or unreachable store costs seconds, not the mail. One Store per thread: an
/// object is not thread-safe; several Stores may share one database.
#ifndef POSTSEAL_HISTORY_STORE_H
#define POSTSEAL_HISTORY_STORE_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "history/row.h"

namespace postseal::history {

/// The schema version this program writes and reads.
inline constexpr int kSchemaVersion = 1;

class Store {
 public:
  virtual ~Store() = default;

  /// Adds the rows in one transaction: all of them or none. Throws TempFailure (with
  /// the database's message) when the store cannot be written.
  virtual void insert(const std::vector<Row>& rows) = 0;

  /// The rows with begin <= time < end, oldest first, only those of `policy_domain`
  /// unless it is empty. Throws TempFailure when the store cannot be read.
  virtual std::vector<Row> rows(int64_t begin, int64_t end,
                                const std::string& policy_domain) = 0;

  /// The schema version found in the database (after open_store() upgraded it).
  virtual int schema_version() = 0;
};

/// Opens the store that `spec` names and creates or upgrades its schema:
///   sqlite:PATH                      an SQLite file (created when missing)
///   postgresql://... or postgres://  a libpq connection URI
///   key=value ...                    a libpq conninfo string ("host=127.0.0.1 dbname=x")
/// Connecting, waiting for a lock and each statement take at most `timeout_seconds`.
/// Throws ConfigError for a spec of no known form or a schema newer than this program
/// knows, TempFailure when the database cannot be reached or written.
std::unique_ptr<Store> open_store(const std::string& spec, int timeout_seconds);

}  // namespace postseal::history

#endif  // POSTSEAL_HISTORY_STORE_H
