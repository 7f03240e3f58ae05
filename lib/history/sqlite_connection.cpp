/// \file
/// The SQLite side of detail::Connection (see sql.h): one database handle, a busy
/// timeout so that a writer waits for another process's lock at most the given time,
/// and statements prepared, bound as text and stepped one at a time.
#include "history/sql.h"
#include "history/sql_libs.h"
#include "util/errors.h"

namespace postseal::history::detail {

namespace {

class SqliteConnection : public Connection {
 public:
  SqliteConnection(const std::string& path, int timeout_seconds) {
    sqlite3* db = nullptr;
    int rc = sqlite().open_v2(path.c_str(), &db,
                              SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                              nullptr);
    db_.reset(db);  // sqlite3_open_v2 hands out a handle even when it fails
    if (rc != SQLITE_OK)
      throw TempFailure("history: sqlite " + path + ": " +
                        (db ? sqlite().errmsg(db) : sqlite().errstr(rc)));
    sqlite().busy_timeout(db, timeout_seconds * 1000);
    path_ = path;
  }

  std::vector<SqlRow> query(const std::string& sql,
                            const std::vector<std::string>& params) override {
    sqlite3_stmt* raw = nullptr;
    if (sqlite().prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) fail();
    SqliteStmt st(raw);
    for (size_t i = 0; i < params.size(); ++i)
      if (sqlite().bind_text(st.get(), static_cast<int>(i + 1), params[i].data(),
                             static_cast<int>(params[i].size()), SQLITE_TRANSIENT) != SQLITE_OK)
        fail();
    std::vector<SqlRow> out;
    for (;;) {
      int rc = sqlite().step(st.get());
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) fail();
      SqlRow row;
      for (int c = 0; c < sqlite().column_count(st.get()); ++c) {
        auto* text = reinterpret_cast<const char*>(sqlite().column_text(st.get(), c));
        row.emplace_back(text ? text : "");
      }
      out.push_back(std::move(row));
    }
    return out;
  }

  std::string serial_key() const override { return "INTEGER PRIMARY KEY"; }

 private:
  [[noreturn]] void fail() {
    throw TempFailure("history: sqlite " + path_ + ": " + sqlite().errmsg(db_.get()));
  }

  SqliteDb db_;
  std::string path_;
};

}  // namespace

std::unique_ptr<Connection> connect_sqlite(const std::string& path, int timeout_seconds) {
  return std::make_unique<SqliteConnection>(path, timeout_seconds);
}

}  // namespace postseal::history::detail
