/// \file
/// main() for every CppUnit suite: runs the suites registered in the binary and reports
/// each test case as a TAP line, so automake's harness counts test cases. Exits 0 when
/// all passed, 1 otherwise.
#include <iostream>
#include <string>

#include <cppunit/Exception.h>
#include <cppunit/SourceLine.h>
#include <cppunit/Test.h>
#include <cppunit/TestFailure.h>
#include <cppunit/TestListener.h>
#include <cppunit/TestResult.h>
#include <cppunit/extensions/TestFactoryRegistry.h>
#include <cppunit/ui/text/TestRunner.h>

namespace {

class TapListener : public CppUnit::TestListener {
 public:
  void startTest(CppUnit::Test*) override {
    failed_ = false;
    message_.clear();
  }
  void addFailure(const CppUnit::TestFailure& f) override {
    failed_ = true;
    auto loc = f.sourceLine();
    message_ = loc.fileName() + ":" + std::to_string(loc.lineNumber()) + ": " +
               f.thrownException()->what();
  }
  void endTest(CppUnit::Test* test) override {
    ++n_;
    if (failed_) ++failures_;
    std::cout << (failed_ ? "not ok " : "ok ") << n_ << " - " << test->getName() << "\n";
    if (failed_) {
      std::string m = message_;
      size_t pos = 0;
      while ((pos = m.find('\n', pos)) != std::string::npos)
        m.replace(pos, 1, "\n# "), pos += 3;
      std::cout << "# " << m << "\n";
    }
    std::cout.flush();
  }
  int failures() const { return failures_; }

 private:
  bool failed_ = false;
  std::string message_;
  int n_ = 0;
  int failures_ = 0;
};

}  // namespace

int main() {
  CppUnit::Test* suite = CppUnit::TestFactoryRegistry::getRegistry().makeTest();
  std::cout << "1.." << suite->countTestCases() << "\n";
  CppUnit::TestResult result;
  TapListener tap;
  result.addListener(&tap);
  suite->run(&result);
  delete suite;
  return tap.failures() == 0 ? 0 : 1;
}
