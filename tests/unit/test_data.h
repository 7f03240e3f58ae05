/// \file
/// For unit tests: the bytes of a file under tests/data ($POSTSEAL_TESTDATA, which the
/// test environment exports; "tests/data" when run by hand from the top directory).
#ifndef POSTSEAL_TESTS_UNIT_TEST_DATA_H
#define POSTSEAL_TESTS_UNIT_TEST_DATA_H

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace postseal::testing {

/// The contents of tests/data/`name`; empty when the file cannot be read.
inline std::string read_test_data(const std::string& name) {
  const char* dir = std::getenv("POSTSEAL_TESTDATA");
  std::ifstream f(std::string(dir ? dir : "tests/data") + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace postseal::testing

#endif  // POSTSEAL_TESTS_UNIT_TEST_DATA_H
