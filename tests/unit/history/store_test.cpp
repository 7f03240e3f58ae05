/// \file
/// The DMARC history: rows built from a session's verdicts (identifiers, the policy as
/// published, dispositions and override reasons of RFC 9990 §3.1.1.5, §3.1.1.9 and
/// §3.1.6), and the SQLite store on a real file in a temporary directory: schema created
/// in a new file and upgraded from an empty one, rows written and read back by period
/// and policy domain.
#include "history/store.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <cppunit/extensions/HelperMacros.h>
#include <sqlite3.h>

#include "config/temp_dir.h"
#include "history/row.h"
#include "util/c_handle.h"
#include "util/errors.h"

using namespace postseal;
using history::Row;

namespace {

session::Verdicts failing_verdicts() {
  session::Verdicts v;
  dkim::SignatureResult sig;
  sig.verdict = dkim::Verdict::kFail;
  sig.domain = "mailer.example";
  sig.selector = "s1";
  v.dkim.push_back(sig);
  v.spf = session::SpfResult{"softfail", "bounce.example", "Received-SPF"};
  dmarc::Evaluation e;
  e.result = dmarc::Result::kFail;
  e.author_domain = "example.org";
  e.policy_domain = "example.org";
  dmarc::Record r;
  r.p = dmarc::Policy::kReject;
  r.np = dmarc::Policy::kQuarantine;
  r.aspf = dmarc::Alignment::kStrict;
  e.record = r;
  e.policy_tag = "p";
  e.policy = dmarc::Policy::kReject;
  e.disposition = dmarc::Policy::kReject;
  v.dmarc = e;
  return v;
}

session::Client client(std::string sender) {
  session::Client c;
  c.address = "192.0.2.7";
  c.helo = "mx.bounce.example";
  c.sender = std::move(sender);
  return c;
}

Row sample_row(int64_t time, std::string policy_domain) {
  Row r;
  r.time = time;
  r.source_ip = "2001:db8::25";
  r.header_from = "news." + policy_domain;
  r.envelope_from = "bounce.example";
  r.envelope_to = "example.net";
  r.policy_domain = std::move(policy_domain);
  r.p = "quarantine";
  r.sp = "none";
  r.adkim = "s";
  r.aspf = "r";
  r.testing = "n";
  r.psd = "u";
  r.dmarc_result = "pass";
  r.dkim_aligned = true;
  r.disposition_applied = "none";
  r.disposition_requested = "none";
  r.spf_domain = "bounce.example";
  r.spf_scope = "mfrom";
  r.spf_result = "pass";
  r.dkim = {{"example.com", "sel1", "pass"}, {"esp.example", "k2", "fail"}};
  return r;
}

}  // namespace

class HistoryStoreTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HistoryStoreTest);
  CPPUNIT_TEST(row_keeps_identifiers_policy_and_results);
  CPPUNIT_TEST(row_records_requested_disposition_and_after_queue_override);
  CPPUNIT_TEST(row_for_null_sender_uses_helo_scope);
  CPPUNIT_TEST(row_for_testing_mode_names_policy_test_mode);
  CPPUNIT_TEST(row_pass_by_dkim_sets_alignment_flags);
  CPPUNIT_TEST(no_row_without_dmarc_evaluation);
  CPPUNIT_TEST(sqlite_store_creates_schema_in_new_file);
  CPPUNIT_TEST(sqlite_store_upgrades_empty_file);
  CPPUNIT_TEST(sqlite_store_round_trips_rows);
  CPPUNIT_TEST(sqlite_store_selects_period_and_policy_domain);
  CPPUNIT_TEST(sqlite_store_refuses_newer_schema);
  CPPUNIT_TEST(unknown_spec_is_config_error);
  CPPUNIT_TEST(unwritable_sqlite_path_is_temp_failure);
  CPPUNIT_TEST_SUITE_END();

 public:
  void row_keeps_identifiers_policy_and_results() {
    auto row = history::row_from(failing_verdicts(), client("<Bob@Bounce.Example>"), 1700000000,
                                 "<alice@Example.NET>");
    CPPUNIT_ASSERT(row);
    CPPUNIT_ASSERT_EQUAL(int64_t{1700000000}, row->time);
    CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.7"), row->source_ip);
    CPPUNIT_ASSERT_EQUAL(std::string("example.org"), row->header_from);
    CPPUNIT_ASSERT_EQUAL(std::string("bounce.example"), row->envelope_from);
    CPPUNIT_ASSERT_EQUAL(std::string("example.net"), row->envelope_to);
    CPPUNIT_ASSERT_EQUAL(std::string("example.org"), row->policy_domain);
    // RFC 9990 §3.1.1.5: the tags as published; sp absent stays absent.
    CPPUNIT_ASSERT_EQUAL(std::string("reject"), row->p);
    CPPUNIT_ASSERT_EQUAL(std::string(""), row->sp);
    CPPUNIT_ASSERT_EQUAL(std::string("quarantine"), row->np);
    CPPUNIT_ASSERT_EQUAL(std::string("r"), row->adkim);
    CPPUNIT_ASSERT_EQUAL(std::string("s"), row->aspf);
    CPPUNIT_ASSERT_EQUAL(std::string("n"), row->testing);
    CPPUNIT_ASSERT_EQUAL(std::string("u"), row->psd);
    CPPUNIT_ASSERT_EQUAL(std::string("treewalk"), row->discovery_method);
    CPPUNIT_ASSERT_EQUAL(std::string("fail"), row->dmarc_result);
    CPPUNIT_ASSERT(!row->dkim_aligned);
    CPPUNIT_ASSERT(!row->spf_aligned);
    CPPUNIT_ASSERT_EQUAL(std::string("bounce.example"), row->spf_domain);
    CPPUNIT_ASSERT_EQUAL(std::string("mfrom"), row->spf_scope);
    CPPUNIT_ASSERT_EQUAL(std::string("softfail"), row->spf_result);
    CPPUNIT_ASSERT_EQUAL(size_t{1}, row->dkim.size());
    CPPUNIT_ASSERT((row->dkim[0] == history::DkimResult{"mailer.example", "s1", "fail"}));
  }

  void row_records_requested_disposition_and_after_queue_override() {
    auto row =
        history::row_from(failing_verdicts(), client("b@bounce.example"), 1, "a@x.example");
    CPPUNIT_ASSERT_EQUAL(std::string("reject"), row->disposition_requested);
    CPPUNIT_ASSERT_EQUAL(std::string("none"), row->disposition_applied);
    CPPUNIT_ASSERT_EQUAL(std::string("local_policy"), row->override_reason);
    CPPUNIT_ASSERT(!row->override_comment.empty());
  }

  void row_for_null_sender_uses_helo_scope() {
    auto v = failing_verdicts();
    v.spf = session::SpfResult{"pass", "mx.bounce.example", "Received-SPF"};
    auto row = history::row_from(v, client(""), 1, "a@x.example");
    CPPUNIT_ASSERT_EQUAL(std::string(""), row->envelope_from);
    CPPUNIT_ASSERT_EQUAL(std::string("helo"), row->spf_scope);
    CPPUNIT_ASSERT_EQUAL(std::string("mx.bounce.example"), row->spf_domain);
  }

  void row_for_testing_mode_names_policy_test_mode() {
    auto v = failing_verdicts();
    v.dmarc->record->testing = true;
    v.dmarc->disposition = dmarc::Policy::kQuarantine;  // RFC 9989 §4.7: one level lower
    auto row = history::row_from(v, client("b@bounce.example"), 1, "a@x.example");
    CPPUNIT_ASSERT_EQUAL(std::string("y"), row->testing);
    CPPUNIT_ASSERT_EQUAL(std::string("quarantine"), row->disposition_requested);
    CPPUNIT_ASSERT_EQUAL(std::string("policy_test_mode"), row->override_reason);
  }

  void row_pass_by_dkim_sets_alignment_flags() {
    auto v = failing_verdicts();
    v.dmarc->result = dmarc::Result::kPass;
    v.dmarc->aligned = "dkim example.org";
    v.dmarc->dkim_aligned = true;  // the Evaluator judges both identifiers
    v.dmarc->spf_aligned = true;
    v.spf = session::SpfResult{"pass", "Example.org", "Received-SPF"};
    auto row = history::row_from(v, client("b@example.org"), 1, "a@x.example");
    CPPUNIT_ASSERT(row->dkim_aligned);
    CPPUNIT_ASSERT(row->spf_aligned);
    v.dmarc->spf_aligned = false;
    CPPUNIT_ASSERT(
        !history::row_from(v, client("b@example.org"), 1, "a@x.example")->spf_aligned);
    CPPUNIT_ASSERT_EQUAL(std::string("none"), row->disposition_requested);
    CPPUNIT_ASSERT_EQUAL(std::string(""), row->override_reason);
  }

  void no_row_without_dmarc_evaluation() {
    session::Verdicts v;
    CPPUNIT_ASSERT(!history::row_from(v, client("b@bounce.example"), 1, "a@x.example"));
  }

  void sqlite_store_creates_schema_in_new_file() {
    auto store = history::open_store("sqlite:" + dir_ + "/new.db", 2);
    CPPUNIT_ASSERT_EQUAL(history::kSchemaVersion, store->schema_version());
    CPPUNIT_ASSERT(std::filesystem::exists(dir_ + "/new.db"));
  }

  void sqlite_store_upgrades_empty_file() {
    std::ofstream(dir_ + "/empty.db").close();  // a zero-length file is an empty database
    auto store = history::open_store("sqlite:" + dir_ + "/empty.db", 2);
    CPPUNIT_ASSERT_EQUAL(history::kSchemaVersion, store->schema_version());
    store->insert({sample_row(10, "example.com")});
    // Opening again finds the current version and leaves the data alone.
    auto again = history::open_store("sqlite:" + dir_ + "/empty.db", 2);
    CPPUNIT_ASSERT_EQUAL(size_t{1}, again->rows(0, 100, "").size());
  }

  void sqlite_store_round_trips_rows() {
    auto store = history::open_store("sqlite:" + dir_ + "/h.db", 2);
    Row a = sample_row(100, "example.com");
    Row b = sample_row(101, "example.com");
    b.dkim.clear();
    b.source_ip = "198.51.100.1";
    b.override_reason = "local_policy";
    b.override_comment = "it's <quoted> & \"escaped\"";
    store->insert({a, b});
    auto got = store->rows(0, 1000, "");
    CPPUNIT_ASSERT_EQUAL(size_t{2}, got.size());
    CPPUNIT_ASSERT(got[0] == a);
    CPPUNIT_ASSERT(got[1] == b);
  }

  void sqlite_store_selects_period_and_policy_domain() {
    auto store = history::open_store("sqlite:" + dir_ + "/h.db", 2);
    store->insert({sample_row(99, "example.com"), sample_row(100, "example.com"),
                   sample_row(150, "example.org"), sample_row(199, "example.com"),
                   sample_row(200, "example.com")});
    // [begin, end): 100 is in, 200 is out.
    CPPUNIT_ASSERT_EQUAL(size_t{3}, store->rows(100, 200, "").size());
    auto com = store->rows(100, 200, "example.com");
    CPPUNIT_ASSERT_EQUAL(size_t{2}, com.size());
    CPPUNIT_ASSERT_EQUAL(int64_t{100}, com[0].time);
    CPPUNIT_ASSERT_EQUAL(int64_t{199}, com[1].time);
    CPPUNIT_ASSERT_EQUAL(size_t{2}, com[1].dkim.size());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, store->rows(100, 200, "example.org").size());
  }

  void sqlite_store_refuses_newer_schema() {
    history::open_store("sqlite:" + dir_ + "/h.db", 2).reset();
    // A later postseal wrote version 2; this one must leave the database alone.
    sqlite3* db = nullptr;
    CPPUNIT_ASSERT_EQUAL(SQLITE_OK, sqlite3_open((dir_ + "/h.db").c_str(), &db));
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> handle(db, sqlite3_close);
    CPPUNIT_ASSERT_EQUAL(SQLITE_OK, sqlite3_exec(db, "UPDATE schema_version SET version = 2",
                                                 nullptr, nullptr, nullptr));
    handle.reset();
    CPPUNIT_ASSERT_THROW(history::open_store("sqlite:" + dir_ + "/h.db", 2), ConfigError);
  }

  void unknown_spec_is_config_error() {
    CPPUNIT_ASSERT_THROW(history::open_store("mysql://x", 2), ConfigError);
    CPPUNIT_ASSERT_THROW(history::open_store("/var/lib/postseal/history.db", 2), ConfigError);
  }

  void unwritable_sqlite_path_is_temp_failure() {
    CPPUNIT_ASSERT_THROW(history::open_store("sqlite:" + dir_ + "/no/such/dir/h.db", 2),
                         TempFailure);
  }

 private:
  testing::TempDir tmp_;
  const std::string& dir_ = tmp_.path();
};

CPPUNIT_TEST_SUITE_REGISTRATION(HistoryStoreTest);
