/// \file
/// record_after_delivery(), the call pipe mode makes after reinjection: a real message
/// session (DMARC evaluated through the in-memory resolver) leaves one row in an SQLite
/// store; an unwritable store and an empty `history` cost a log line or nothing, and
/// never an exception.
#include "history/record.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <cppunit/extensions/HelperMacros.h>

#include "config/options.h"
#include "config/temp_dir.h"
#include "dns/static_resolver.h"
#include "history/store.h"
#include "log/logger.h"
#include "session/session.h"

using namespace postseal;
namespace po = boost::program_options;

namespace {

constexpr char kMessage[] =
    "From: Alice <alice@example.org>\n"
    "To: bob@rcpt.example\n"
    "Subject: hello\n"
    "\n"
    "Hi.\n";

// The settings of a program that records (the filter's options plus history, as the
// coming SMTP daemon will have them).
config::Settings settings_with(const std::string& history) {
  constexpr unsigned kRecorder = config::kFilter | config::kReportTool;
  po::options_description desc;
  config::Settings::describe(desc, kRecorder);
  po::variables_map vm;
  po::store(po::command_line_parser(std::vector<std::string>{"--history", history})
                .options(desc)
                .run(),
            vm);
  po::notify(vm);
  return config::Settings::load(vm, "", kRecorder);
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

class RecordTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RecordTest);
  CPPUNIT_TEST(evaluated_message_leaves_one_row);
  CPPUNIT_TEST(unwritable_store_is_a_log_line);
  CPPUNIT_TEST(empty_history_records_nothing);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    dns_.add_txt("_dmarc.example.org", "v=DMARC1; p=quarantine; np=reject");
    setup_.mode = session::Mode::kVerify;
    setup_.authserv_id = "mx.rcpt.example";
    setup_.resolver = &dns_;
    setup_.dmarc = true;
    client_.address = "192.0.2.44";
    client_.helo = "mail.sender.example";
    client_.sender = "bounce@sender.example";
  }

  void evaluated_message_leaves_one_row() {
    session::Session message(setup_, session::plan_for(setup_, client_), 1767225600);
    message.feed(kMessage);
    message.finish();
    log::Logger logger("postseal-filter", dir_ + "/log", false);
    history::record_after_delivery(settings_with("sqlite:" + dir_ + "/h.db"), message, client_,
                                   {"bob@rcpt.example", "carol@other.example"}, "QID1", logger,
                                   1767225601);
    auto rows = history::open_store("sqlite:" + dir_ + "/h.db", 2)->rows(0, 1767225602, "");
    CPPUNIT_ASSERT_EQUAL(size_t{1}, rows.size());
    const history::Row& r = rows[0];
    CPPUNIT_ASSERT_EQUAL(int64_t{1767225601}, r.time);
    CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.44"), r.source_ip);
    CPPUNIT_ASSERT_EQUAL(std::string("example.org"), r.header_from);
    CPPUNIT_ASSERT_EQUAL(std::string("sender.example"), r.envelope_from);
    CPPUNIT_ASSERT_EQUAL(std::string("rcpt.example"), r.envelope_to);
    CPPUNIT_ASSERT_EQUAL(std::string("example.org"), r.policy_domain);
    CPPUNIT_ASSERT_EQUAL(std::string("quarantine"), r.p);
    CPPUNIT_ASSERT_EQUAL(std::string("reject"), r.np);
    CPPUNIT_ASSERT_EQUAL(std::string("fail"), r.dmarc_result);
    CPPUNIT_ASSERT_EQUAL(std::string("quarantine"), r.disposition_requested);
    CPPUNIT_ASSERT_EQUAL(std::string("none"), r.disposition_applied);
    CPPUNIT_ASSERT_EQUAL(std::string(""), read(dir_ + "/log"));
  }

  void unwritable_store_is_a_log_line() {
    session::Session message(setup_, session::plan_for(setup_, client_), 1767225600);
    message.feed(kMessage);
    message.finish();
    log::Logger logger("postseal-filter", dir_ + "/log", false);
    history::record_after_delivery(settings_with("sqlite:" + dir_ + "/missing/dir/h.db"),
                                   message, client_, {"bob@rcpt.example"}, "QID2", logger,
                                   1767225601);
    std::string log = read(dir_ + "/log");
    CPPUNIT_ASSERT(log.find("warning: QID2: history: sqlite ") != std::string::npos);
    CPPUNIT_ASSERT(log.find("; row not written\n") != std::string::npos);
  }

  void empty_history_records_nothing() {
    session::Session message(setup_, session::plan_for(setup_, client_), 1767225600);
    message.feed(kMessage);
    message.finish();
    log::Logger logger("postseal-filter", dir_ + "/log", false);
    history::record_after_delivery(settings_with(""), message, client_, {"bob@rcpt.example"},
                                   "QID3", logger, 1767225601);
    CPPUNIT_ASSERT_EQUAL(std::string(""), read(dir_ + "/log"));
    CPPUNIT_ASSERT(!std::filesystem::exists(dir_ + "/h.db"));
  }

 private:
  testing::TempDir tmp_;
  const std::string& dir_ = tmp_.path();
  dns::StaticResolver dns_;
  session::Setup setup_;
  session::Client client_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(RecordTest);
