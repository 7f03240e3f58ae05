/// \file
/// Private to lib/history: the few things the store needs from a SQL database, so that
/// the schema, inserts and queries are written once for SQLite and PostgreSQL. Every
/// value travels as text (NULL as the empty string); placeholders are $1, $2, ... in
/// both dialects (SQLite numbers "$N" parameters in order of first appearance, which
/// is the same order when they are written $1, $2, ... as here). Not thread-safe.
#ifndef POSTSEAL_HISTORY_SQL_H
#define POSTSEAL_HISTORY_SQL_H

#include <memory>
#include <string>
#include <vector>

namespace postseal::history::detail {

using SqlRow = std::vector<std::string>;

class Connection {
 public:
  virtual ~Connection() = default;
  /// Runs `sql` (one statement) with `params` and returns its rows. Throws TempFailure.
  virtual std::vector<SqlRow> query(const std::string& sql,
                                    const std::vector<std::string>& params = {}) = 0;
  /// The column type of an auto-numbered primary key in this dialect.
  virtual std::string serial_key() const = 0;
};

/// Throws TempFailure when the file cannot be opened.
std::unique_ptr<Connection> connect_sqlite(const std::string& path, int timeout_seconds);
/// `conninfo` is a libpq URI or key=value string. Throws TempFailure.
std::unique_ptr<Connection> connect_postgresql(const std::string& conninfo,
                                               int timeout_seconds);

}  // namespace postseal::history::detail

#endif  // POSTSEAL_HISTORY_SQL_H
