/// \file
/// The policy daemon's log line formats (one Logger method per event), read back from
/// a log file: Postfix's "QUEUEID: name=value, ..." form with NOQUEUE before a queue ID
/// exists, and warnings with their prefix.
#include "log/logger.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "config/temp_dir.h"

using namespace postseal;

namespace {

/// The log lines without Postfix's "Mon DD HH:MM:SS host program[pid]: " prefix.
std::vector<std::string> lines_of(const std::string& file) {
  std::ifstream in(file);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) {
    auto p = l.find("]: ");
    out.push_back(p == std::string::npos ? l : l.substr(p + 3));
  }
  return out;
}

log::SpfEvent event() {
  log::SpfEvent e;
  e.instance = "1a.2b.3c";
  e.client_name = "mail.example.org";
  e.client_address = "192.0.2.10";
  e.helo = "mail.example.org";
  e.sender = "alice@example.org";
  e.recipient = "bob@example.net";
  e.result = "fail";
  e.identity = "mailfrom";
  e.action = "reject";
  return e;
}

}  // namespace

class LoggerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LoggerTest);
  CPPUNIT_TEST(testSpfDecisionLine);
  CPPUNIT_TEST(testSpfSkippedLineWithQueueId);
  CPPUNIT_TEST(testDaemonAndWarningLines);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testSpfDecisionLine() {
    testing::TempDir dir;
    std::string file = dir.path() + "/log";
    {
      log::Logger logger("postseal-policyd", file, false);
      logger.spf_checked(event());
    }
    auto lines = lines_of(file);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), lines.size());
    CPPUNIT_ASSERT_EQUAL(
        std::string("NOQUEUE: spf, instance=1a.2b.3c, client=mail.example.org[192.0.2.10], "
                    "helo=<mail.example.org>, from=<alice@example.org>, to=<bob@example.net>, "
                    "spf=fail, identity=mailfrom, action=reject"),
        lines[0]);
  }

  void testSpfSkippedLineWithQueueId() {
    testing::TempDir dir;
    std::string file = dir.path() + "/log";
    log::SpfEvent e = event();
    e.queue_id = "4Xq1Zk3yz";
    e.client_name.clear();
    e.reason = "sasl";
    {
      log::Logger logger("postseal-policyd", file, false);
      logger.spf_skipped(e);
    }
    CPPUNIT_ASSERT_EQUAL(
        std::string("4Xq1Zk3yz: spf skipped, instance=1a.2b.3c, client=unknown[192.0.2.10], "
                    "helo=<mail.example.org>, from=<alice@example.org>, to=<bob@example.net>, "
                    "reason=sasl"),
        lines_of(file).at(0));
  }

  void testDaemonAndWarningLines() {
    testing::TempDir dir;
    std::string file = dir.path() + "/log";
    {
      log::Logger logger("postseal-policyd", file, false);
      logger.daemon_started("0.1.0", "unix:/run/postseal/policyd.sock");
      logger.policy_malformed("local", "line without \"=\"", "DUNNO");
      logger.connection_warning("[127.0.0.1]:4711", "request not complete after 30s");
      logger.daemon_warning("max-connections (100) reached");
      logger.daemon_stopped(7);
    }
    std::vector<std::string> want = {
        "daemon started -- version 0.1.0, listening on unix:/run/postseal/policyd.sock",
        "warning: malformed policy request from local: line without \"=\"; answered DUNNO",
        "warning: [127.0.0.1]:4711: request not complete after 30s",
        "warning: max-connections (100) reached",
        "daemon stopped -- 7 connections served",
    };
    CPPUNIT_ASSERT(want == lines_of(file));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LoggerTest);
