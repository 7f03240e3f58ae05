/// \file
/// The PostgreSQL side of detail::Connection (see sql.h), through libpq: a blocking
/// connection with connect_timeout, and a statement_timeout set for the session so
/// that a stuck server costs at most the given time per statement. Parameters go as
/// text and the server infers their types from the columns they meet.
#include "history/sql.h"
#include "history/sql_libs.h"
#include "util/errors.h"

namespace postseal::history::detail {

namespace {

class PgConnection : public Connection {
 public:
  PgConnection(const std::string& conninfo, int timeout_seconds) {
    // connect_timeout comes first so that a value in the operator's own conninfo
    // (expanded from dbname after it) wins over ours.
    std::string timeout = std::to_string(timeout_seconds);
    const char* keys[] = {"connect_timeout", "dbname", "application_name", nullptr};
    const char* values[] = {timeout.c_str(), conninfo.c_str(), "postseal", nullptr};
    conn_.reset(pq().connectdb_params(keys, values, /*expand_dbname=*/1));
    if (!conn_) throw TempFailure("history: postgresql: out of memory");
    if (pq().status(conn_.get()) != CONNECTION_OK) fail();
    // libpq prints server notices ("relation ... already exists, skipping") on stderr;
    // they say nothing an operator needs, and stderr is pipe(8)'s bounce text.
    pq().set_notice_processor(
        conn_.get(), [](void*, const char*) {}, nullptr);
    query("SET statement_timeout = " + std::to_string(timeout_seconds * 1000), {});
  }

  std::vector<SqlRow> query(const std::string& sql,
                            const std::vector<std::string>& params) override {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    PgResult res(pq().exec_params(conn_.get(), sql.c_str(), static_cast<int>(values.size()),
                                  nullptr, values.data(), nullptr, nullptr, 0));
    ExecStatusType st = res ? pq().result_status(res.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail();
    std::vector<SqlRow> out;
    for (int r = 0; r < pq().ntuples(res.get()); ++r) {
      SqlRow row;
      for (int c = 0; c < pq().nfields(res.get()); ++c)
        row.emplace_back(pq().getvalue(res.get(), r, c));
      out.push_back(std::move(row));
    }
    return out;
  }

  std::string serial_key() const override { return "BIGSERIAL PRIMARY KEY"; }

 private:
  [[noreturn]] void fail() {
    std::string msg = pq().error_message(conn_.get());
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    throw TempFailure("history: postgresql: " + msg);
  }

  PgConn conn_;
};

}  // namespace

std::unique_ptr<Connection> connect_postgresql(const std::string& conninfo,
                                               int timeout_seconds) {
  return std::make_unique<PgConnection>(conninfo, timeout_seconds);
}

}  // namespace postseal::history::detail
