/// \file
/// The listen option's grammar: unix:PATH, inet:HOST:PORT, inet:[V6]:PORT.
#include "policy/server.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace postseal::policy;

class ServerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ServerTest);
  CPPUNIT_TEST(testUnixSocketPath);
  CPPUNIT_TEST(testInetHostAndPort);
  CPPUNIT_TEST(testInetIpv6InBrackets);
  CPPUNIT_TEST(testBadValuesAreErrors);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testUnixSocketPath() {
    auto a = parse_listen("unix:/run/postseal/policyd.sock");
    CPPUNIT_ASSERT(a.ok());
    CPPUNIT_ASSERT(a->kind == ListenAddress::Kind::kUnix);
    CPPUNIT_ASSERT_EQUAL(std::string("/run/postseal/policyd.sock"), a->path);
  }
  void testInetHostAndPort() {
    auto a = parse_listen("inet:127.0.0.1:10045");
    CPPUNIT_ASSERT(a.ok());
    CPPUNIT_ASSERT(a->kind == ListenAddress::Kind::kInet);
    CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), a->host);
    CPPUNIT_ASSERT_EQUAL(uint16_t(10045), a->port);
    CPPUNIT_ASSERT_EQUAL(std::string("localhost"), parse_listen("inet:localhost:1")->host);
  }
  void testInetIpv6InBrackets() {
    auto a = parse_listen("inet:[::1]:10045");
    CPPUNIT_ASSERT(a.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("::1"), a->host);
    CPPUNIT_ASSERT_EQUAL(uint16_t(10045), a->port);
  }
  void testBadValuesAreErrors() {
    for (const char* bad : {"", "unix:", "unix:relative.sock", "inet:", "inet:127.0.0.1",
                            "inet:127.0.0.1:", "inet::10045", "inet:127.0.0.1:0",
                            "inet:127.0.0.1:65536", "inet:127.0.0.1:x", "inet:::1:10045",
                            "inet:[::1]10045", "tcp:127.0.0.1:10045", "/run/x.sock"})
      CPPUNIT_ASSERT_MESSAGE(bad, !parse_listen(bad).ok());
    std::string long_path = "unix:/" + std::string(200, 'a');
    CPPUNIT_ASSERT(!parse_listen(long_path).ok());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ServerTest);
