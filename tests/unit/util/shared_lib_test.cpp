/// \file
/// Libraries loaded on first use: a table filled from a real library, and the errors
/// that name the missing file or function and the package to install.
#include "util/shared_lib.h"

#include <cstring>
#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include "util/errors.h"

namespace {

struct LibcApi {
  decltype(&std::strlen) strlen;
  decltype(&std::strcmp) strcmp;
};
struct MissingLibApi {
  decltype(&std::strlen) strlen;
};
struct MissingNameApi {
  decltype(&std::strlen) strlen;
  decltype(&std::strlen) nonesuch;
};

constexpr const char* kLibcNames[] = {"strlen", "strcmp"};
constexpr const char* kMissingLibNames[] = {"strlen"};
constexpr const char* kMissingNameNames[] = {"strlen", "postseal_no_such_function"};

// The message of the TempFailure that `f` throws; "" when it throws none.
template <class F>
std::string failure(F f) {
  try {
    f();
  } catch (const postseal::TempFailure& e) {
    return e.what();
  }
  return "";
}

}  // namespace

class SharedLibTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SharedLibTest);
  CPPUNIT_TEST(testTableIsFilledInOrder);
  CPPUNIT_TEST(testMissingLibraryNamesFileAndPackage);
  CPPUNIT_TEST(testMissingFunctionNamesItAndPackage);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testTableIsFilledInOrder() {
    const LibcApi& c =
        postseal::shared_lib<LibcApi>({"test", "libc.so.6", "libc6"}, kLibcNames);
    CPPUNIT_ASSERT_EQUAL(size_t{5}, c.strlen("hello"));
    CPPUNIT_ASSERT(c.strcmp("a", "b") < 0);
    // Loaded once: the same table again.
    CPPUNIT_ASSERT(&c ==
                   &postseal::shared_lib<LibcApi>({"test", "libc.so.6", "libc6"}, kLibcNames));
  }
  void testMissingLibraryNamesFileAndPackage() {
    auto load = [] {
      postseal::shared_lib<MissingLibApi>({"spf", "libpostseal-missing.so.9", "libmissing9"},
                                          kMissingLibNames);
    };
    const std::string why = failure(load);
    CPPUNIT_ASSERT_MESSAGE(why,
                           why.rfind("spf: cannot load libpostseal-missing.so.9: ", 0) == 0);
    CPPUNIT_ASSERT_MESSAGE(why, why.find("; install libmissing9") != std::string::npos);
    // Every later call fails the same way, without trying again.
    CPPUNIT_ASSERT_EQUAL(why, failure(load));
  }
  void testMissingFunctionNamesItAndPackage() {
    const std::string why = failure([] {
      postseal::shared_lib<MissingNameApi>({"dns", "libc.so.6", "libc6"}, kMissingNameNames);
    });
    CPPUNIT_ASSERT_EQUAL(
        std::string("dns: libc.so.6 has no postseal_no_such_function; install a newer libc6"),
        why);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SharedLibTest);
