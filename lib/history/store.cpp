/// \file
/// The history store over detail::Connection: the schema and its upgrades, inserts in
/// one transaction, and the period queries the reports read (see store.h).
#include "history/store.h"

#include <map>
#include <string_view>

#include "history/sql.h"
#include "util/errors.h"

namespace postseal::history {

namespace {

using detail::Connection;
using detail::SqlRow;

// The columns of dmarc_history after id, in Row's order; every one is TEXT except
// time (an integer) and the two alignment flags (0 or 1).
constexpr std::string_view kColumns[] = {
    "time",
    "source_ip",
    "header_from",
    "envelope_from",
    "envelope_to",
    "policy_domain",
    "p",
    "sp",
    "np",
    "adkim",
    "aspf",
    "testing",
    "psd",
    "discovery_method",
    "dmarc_result",
    "dkim_aligned",
    "spf_aligned",
    "disposition_applied",
    "disposition_requested",
    "override_reason",
    "override_comment",
    "spf_domain",
    "spf_scope",
    "spf_result",
};

std::string column_list() {
  std::string out;
  for (auto c : kColumns) out += (out.empty() ? "" : ", ") + std::string(c);
  return out;
}

std::vector<std::string> to_params(const Row& r) {
  return {std::to_string(r.time),
          r.source_ip,
          r.header_from,
          r.envelope_from,
          r.envelope_to,
          r.policy_domain,
          r.p,
          r.sp,
          r.np,
          r.adkim,
          r.aspf,
          r.testing,
          r.psd,
          r.discovery_method,
          r.dmarc_result,
          r.dkim_aligned ? "1" : "0",
          r.spf_aligned ? "1" : "0",
          r.disposition_applied,
          r.disposition_requested,
          r.override_reason,
          r.override_comment,
          r.spf_domain,
          r.spf_scope,
          r.spf_result};
}

// `v` holds the columns of kColumns in order, from `first` on.
Row from_columns(const SqlRow& v, size_t first) {
  auto at = [&](size_t i) -> const std::string& { return v[first + i]; };
  Row r;
  r.time = std::stoll(at(0));
  std::string* text[] = {&r.source_ip,
                         &r.header_from,
                         &r.envelope_from,
                         &r.envelope_to,
                         &r.policy_domain,
                         &r.p,
                         &r.sp,
                         &r.np,
                         &r.adkim,
                         &r.aspf,
                         &r.testing,
                         &r.psd,
                         &r.discovery_method,
                         &r.dmarc_result};
  size_t i = 1;
  for (auto* t : text) *t = at(i++);
  r.dkim_aligned = at(i++) == "1";
  r.spf_aligned = at(i++) == "1";
  std::string* rest[] = {&r.disposition_applied, &r.disposition_requested,
                         &r.override_reason,     &r.override_comment,
                         &r.spf_domain,          &r.spf_scope,
                         &r.spf_result};
  for (auto* t : rest) *t = at(i++);
  return r;
}

// Schema upgrades: step N takes the database from version N to N + 1. A new version
// appends a step; a released step is never changed.
std::vector<std::string> upgrade_step(int from, const Connection& db) {
  if (from == 0) {
    std::string cols;
    for (auto c : kColumns) {
      std::string type = c == "time" ? "BIGINT NOT NULL"
                         : (c == "dkim_aligned" || c == "spf_aligned")
                             ? "INTEGER NOT NULL DEFAULT 0"
                             : "TEXT NOT NULL DEFAULT ''";
      cols += ", " + std::string(c) + " " + type;
    }
    return {
        "CREATE TABLE dmarc_history (id " + db.serial_key() + cols + ")",
        "CREATE INDEX dmarc_history_period ON dmarc_history (time, policy_domain)",
        "CREATE TABLE dmarc_history_dkim (row_id BIGINT NOT NULL REFERENCES dmarc_history(id),"
        " position INTEGER NOT NULL, domain TEXT NOT NULL DEFAULT '',"
        " selector TEXT NOT NULL DEFAULT '', result TEXT NOT NULL DEFAULT '',"
        " PRIMARY KEY (row_id, position))",
    };
  }
  return {};
}

class SqlStore : public Store {
 public:
  SqlStore(std::unique_ptr<Connection> db, bool sqlite) : db_(std::move(db)), sqlite_(sqlite) {
    upgrade();
  }

  void insert(const std::vector<Row>& rows) override {
    static const std::string kInsert = [] {
      std::string marks;
      for (size_t i = 1; i <= std::size(kColumns); ++i)
        marks += (i > 1 ? ", $" : "$") + std::to_string(i);
      return "INSERT INTO dmarc_history (" + column_list() + ") VALUES (" + marks +
             ") RETURNING id";
    }();
    transaction([&] {
      for (const Row& r : rows) {
        auto id = db_->query(kInsert, to_params(r));
        if (id.empty() || id[0].empty()) throw TempFailure("history: insert returned no id");
        for (size_t i = 0; i < r.dkim.size(); ++i)
          db_->query(
              "INSERT INTO dmarc_history_dkim (row_id, position, domain, selector,"
              " result) VALUES ($1, $2, $3, $4, $5)",
              {id[0][0], std::to_string(i), r.dkim[i].domain, r.dkim[i].selector,
               r.dkim[i].result});
      }
    });
  }

  std::vector<Row> rows(int64_t begin, int64_t end, const std::string& policy_domain) override {
    std::string where = " WHERE time >= $1 AND time < $2";
    std::vector<std::string> params = {std::to_string(begin), std::to_string(end)};
    if (!policy_domain.empty()) {
      where += " AND policy_domain = $3";
      params.push_back(policy_domain);
    }
    auto found = db_->query(
        "SELECT id, " + column_list() + " FROM dmarc_history" + where + " ORDER BY time, id",
        params);
    std::vector<Row> out;
    std::map<std::string, size_t> by_id;
    for (const auto& v : found) {
      by_id[v[0]] = out.size();
      out.push_back(from_columns(v, 1));
    }
    auto dkim = db_->query(
        "SELECT row_id, domain, selector, result FROM dmarc_history_dkim WHERE row_id IN"
        " (SELECT id FROM dmarc_history" +
            where + ") ORDER BY row_id, position",
        params);
    for (const auto& d : dkim) {
      auto it = by_id.find(d[0]);
      if (it != by_id.end()) out[it->second].dkim.push_back({d[1], d[2], d[3]});
    }
    return out;
  }

  int schema_version() override {
    auto v = db_->query("SELECT MAX(version) FROM schema_version");
    return v.empty() || v[0].empty() || v[0][0].empty() ? 0 : std::stoi(v[0][0]);
  }

 private:
  template <class F>
  void transaction(F&& body) {
    // SQLite: take the write lock at BEGIN, so that the busy timeout covers waiting
    // for it and two processes cannot both decide to create the schema.
    db_->query(sqlite_ ? "BEGIN IMMEDIATE" : "BEGIN");
    try {
      body();
      db_->query("COMMIT");
    } catch (...) {
      try {
        db_->query("ROLLBACK");
      } catch (const TempFailure&) {
        // The connection is gone or the transaction already ended: nothing to undo.
      }
      throw;
    }
  }

  void upgrade() {
    db_->query("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    if (schema_version() == kSchemaVersion) return;
    transaction([&] {
      if (!sqlite_) db_->query("LOCK TABLE schema_version IN EXCLUSIVE MODE");
      int v = schema_version();
      if (v > kSchemaVersion)
        throw ConfigError("history: the database has schema version " + std::to_string(v) +
                          ", newer than this program's " + std::to_string(kSchemaVersion));
      if (v == kSchemaVersion) return;  // another process upgraded it meanwhile
      for (; v < kSchemaVersion; ++v)
        for (const auto& sql : upgrade_step(v, *db_)) db_->query(sql);
      db_->query("DELETE FROM schema_version");
      db_->query("INSERT INTO schema_version (version) VALUES ($1)",
                 {std::to_string(kSchemaVersion)});
    });
  }

  std::unique_ptr<Connection> db_;
  bool sqlite_;
};

}  // namespace

std::unique_ptr<Store> open_store(const std::string& spec, int timeout_seconds) {
  if (spec.starts_with("sqlite:"))
    return std::make_unique<SqlStore>(detail::connect_sqlite(spec.substr(7), timeout_seconds),
                                      true);
  if (spec.starts_with("postgresql://") || spec.starts_with("postgres://") ||
      spec.find('=') != std::string::npos)
    return std::make_unique<SqlStore>(detail::connect_postgresql(spec, timeout_seconds), false);
  throw ConfigError("history: \"" + spec +
                    "\" is neither sqlite:PATH nor a PostgreSQL URI or conninfo");
}

}  // namespace postseal::history
