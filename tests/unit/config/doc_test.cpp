/// \file
/// Documentation completeness (Postfix's check-postconf-undocumented, Unbound's 01-doc):
/// every row of the option table has an entry in doc/postseal.conf.5 with a Default:
/// line that shows the table's default, and every entry there names a real option.
/// Reads $top_srcdir/doc/postseal.conf.5 (the test environment exports top_srcdir).
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "config/options.h"

namespace postseal::config {
namespace {

/// roff text with the escapes our page uses undone: "\-" and "\(hy" become "-",
/// "\(dq" a quote, "\e" a backslash, "\&" and font changes vanish.
std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    char c = s[i + 1];
    if (c == '-') {
      out += '-';
      ++i;
    } else if (c == '&') {
      ++i;
    } else if (c == 'e') {
      out += '\\';
      ++i;
    } else if (c == 'f' && i + 2 < s.size()) {
      i += 2;  // \fB, \fI, \fR, \fP
    } else if (c == '(' && i + 3 < s.size()) {
      std::string name = s.substr(i + 2, 2);
      out += name == "dq" ? "\"" : name == "hy" ? "-" : "";
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

/// The OPTIONS section's items: ".TP" then ".B name", each with its body text.
std::map<std::string, std::string> documented_options(std::string& error) {
  const char* top = std::getenv("top_srcdir");
  if (top == nullptr) {
    error = "top_srcdir is not set (run through make check)";
    return {};
  }
  std::string path = std::string(top) + "/doc/postseal.conf.5";
  std::ifstream in(path);
  if (!in) {
    error = "cannot read " + path;
    return {};
  }
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);

  std::map<std::string, std::string> items;
  bool in_options = false;
  std::string current;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.starts_with(".SH")) {
      in_options = unescape(l) == ".SH OPTIONS";
      current.clear();
      continue;
    }
    if (!in_options) continue;
    if (l.starts_with(".TP") || l.starts_with(".SS") || l.starts_with(".PP")) {
      current.clear();
      if (l.starts_with(".TP") && i + 1 < lines.size() && lines[i + 1].starts_with(".B ")) {
        current = unescape(lines[i + 1].substr(3));
        items[current];
        ++i;
      }
      continue;
    }
    if (!current.empty()) items[current] += unescape(l) + "\n";
  }
  return items;
}

class DocTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(DocTest);
  CPPUNIT_TEST(testEveryOptionIsDocumentedInPostsealConf5);
  CPPUNIT_TEST(testEveryDocumentedDefaultMatchesTheTable);
  CPPUNIT_TEST(testEveryDocumentedOptionExists);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    std::string error;
    items_ = documented_options(error);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(error, std::string(), error);
  }

  void testEveryOptionIsDocumentedInPostsealConf5() {
    std::string missing;
    for (const auto& o : option_table())
      if (!items_.contains(std::string(o.name))) missing += " " + std::string(o.name);
    CPPUNIT_ASSERT_EQUAL_MESSAGE("undocumented in doc/postseal.conf.5:" + missing,
                                 std::string(), missing);
  }

  void testEveryDocumentedDefaultMatchesTheTable() {
    for (const auto& o : option_table()) {
      std::string name(o.name);
      auto it = items_.find(name);
      if (it == items_.end()) continue;  // reported by the test above
      const std::string& body = it->second;
      auto d = body.find("Default:");
      CPPUNIT_ASSERT_MESSAGE(name + ": no Default: line", d != std::string::npos);
      std::string line = body.substr(d, body.find('\n', d) - d);
      // The config default depends on --sysconfdir; the page shows the usual one.
      if (o.default_value.empty() || name == "config") continue;
      CPPUNIT_ASSERT_MESSAGE(
          name + ": \"" + line + "\" does not show \"" + std::string(o.default_value) + "\"",
          line.find(std::string(o.default_value)) != std::string::npos);
    }
  }

  void testEveryDocumentedOptionExists() {
    for (const auto& [name, body] : items_)
      CPPUNIT_ASSERT_MESSAGE("doc/postseal.conf.5 documents unknown option " + name,
                             find_option(name) != nullptr);
  }

 private:
  std::map<std::string, std::string> items_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(DocTest);

}  // namespace
}  // namespace postseal::config
