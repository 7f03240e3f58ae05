/// \file
/// The host name helper: what gethostname(2) says, or "localhost".
#include "util/host_name.h"

#include <cppunit/extensions/HelperMacros.h>
#include <unistd.h>

class HostNameTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HostNameTest);
  CPPUNIT_TEST(testIsTheSystemNameOrLocalhost);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testIsTheSystemNameOrLocalhost() {
    std::string name = postseal::host_name();
    CPPUNIT_ASSERT(!name.empty());
    CPPUNIT_ASSERT(name.find('\0') == std::string::npos);
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) == 0 && buf[0] != '\0')
      CPPUNIT_ASSERT_EQUAL(std::string(buf), name);
    else
      CPPUNIT_ASSERT_EQUAL(std::string("localhost"), name);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HostNameTest);
