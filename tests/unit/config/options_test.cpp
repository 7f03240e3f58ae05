/// \file
/// Tests for lib/config/options: the option table, postseal.conf syntax, precedence
/// (default < file < command line), validation errors with FILE:LINE, --help text and
/// the dump() listing.
#include "config/options.h"

#include <sstream>
#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "temp_dir.h"
#include "util/errors.h"

namespace postseal::config {
namespace {

namespace po = boost::program_options;

/// Parses `args` (without argv[0]) with the options of `programs`.
po::variables_map parse(const std::vector<std::string>& args, unsigned programs = kFilter) {
  po::options_description desc;
  Settings::describe(desc, programs);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).run(), vm);
  po::notify(vm);
  return vm;
}

/// The ConfigError text load() throws, or "" when it does not throw.
std::string load_error(const std::vector<std::string>& args, const std::string& file,
                       unsigned programs = kFilter) {
  try {
    (void)Settings::load(parse(args, programs), file, programs);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

class OptionsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(OptionsTest);
  CPPUNIT_TEST(testTableNamesAreUniqueLowercaseAndHyphenated);
  CPPUNIT_TEST(testFindOptionReturnsRowOrNull);
  CPPUNIT_TEST(testDefaultsComeFromTheTable);
  CPPUNIT_TEST(testConfigDefaultIsUnderSysconfdir);
  CPPUNIT_TEST(testFileOverridesDefault);
  CPPUNIT_TEST(testCommandLineOverridesFile);
  CPPUNIT_TEST(testLaterFileLineWins);
  CPPUNIT_TEST(testCommentsBlankLinesAndWhitespaceAreIgnored);
  CPPUNIT_TEST(testHashInsideAWordIsKept);
  CPPUNIT_TEST(testUnknownOptionInFileNamesFileAndLine);
  CPPUNIT_TEST(testLineWithoutEqualsNamesFileAndLine);
  CPPUNIT_TEST(testBadBoolValueInFileNamesFileLineAndOption);
  CPPUNIT_TEST(testBadBoolOnCommandLineNamesTheOption);
  CPPUNIT_TEST(testBoolAcceptsYesNoTrueFalseOneZeroOnOff);
  CPPUNIT_TEST(testBareBoolFlagOnCommandLineMeansYes);
  CPPUNIT_TEST(testCanonicalizationAcceptsSimpleRelaxedPairs);
  CPPUNIT_TEST(testCanonicalizationRejectsOtherWords);
  CPPUNIT_TEST(testUintRejectsNonDigitsAndOverflow);
  CPPUNIT_TEST(testListSplitsOnColonCommaAndWhitespace);
  CPPUNIT_TEST(testHeaderListRejectsNonPrintableNames);
  CPPUNIT_TEST(testSignAndOversignListsRefuseDkimSignature);
  CPPUNIT_TEST(testOptionOfAnotherProgramInFileIsAcceptedButNotApplied);
  CPPUNIT_TEST(testConfigOptionInsideFileIsRefused);
  CPPUNIT_TEST(testMissingConfigFileIsAnError);
  CPPUNIT_TEST(testHelpShowsEveryDefault);
  CPPUNIT_TEST(testHelpListsOnlyTheProgramsOptions);
  CPPUNIT_TEST(testDumpListsEveryOptionOfTheProgramsInTableOrder);
  CPPUNIT_TEST(testDumpOnlyChangedListsJustTheChanges);
  CPPUNIT_TEST(testBareFlagsTakeNoWordAfterThem);
  CPPUNIT_TEST(testCommentedDefaultsListEveryOptionButConfigOnce);
  CPPUNIT_TEST(testCommentedDefaultsUncommentedLoadAsTheBuiltInDefaults);
  CPPUNIT_TEST(testCommentedDefaultsAsIsChangeNothing);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testTableNamesAreUniqueLowercaseAndHyphenated() {
    std::vector<std::string> seen;
    for (const auto& o : option_table()) {
      std::string n(o.name);
      CPPUNIT_ASSERT_MESSAGE(n, !n.empty());
      for (char c : n)
        CPPUNIT_ASSERT_MESSAGE(n, (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
      for (const auto& s : seen) CPPUNIT_ASSERT_MESSAGE(n, s != n);
      CPPUNIT_ASSERT_MESSAGE(n, !o.description.empty());
      CPPUNIT_ASSERT_MESSAGE(n, o.programs != 0);
      seen.push_back(n);
    }
    CPPUNIT_ASSERT(seen.size() >= 16);
  }

  void testFindOptionReturnsRowOrNull() {
    const OptionSpec* o = find_option("sub-domains");
    CPPUNIT_ASSERT(o != nullptr);
    CPPUNIT_ASSERT(o->type == OptionType::kBool);
    CPPUNIT_ASSERT_EQUAL(std::string("no"), std::string(o->default_value));
    CPPUNIT_ASSERT(find_option("SubDomains") == nullptr);
  }

  void testDefaultsComeFromTheTable() {
    Settings s = Settings::load(parse({}), "", kFilter);
    CPPUNIT_ASSERT(s.flag("require-safe-keys"));
    CPPUNIT_ASSERT(s.flag("multiple-signatures"));
    CPPUNIT_ASSERT(!s.flag("sub-domains"));
    CPPUNIT_ASSERT(!s.flag("body-length"));
    CPPUNIT_ASSERT_EQUAL(std::string("relaxed/relaxed"), s.str("canonicalization"));
    CPPUNIT_ASSERT(s.list("sign-headers").empty());
    CPPUNIT_ASSERT(s.list("oversign-headers") == std::vector<std::string>{"From"});
    CPPUNIT_ASSERT(s.list("omit-headers").empty());
    CPPUNIT_ASSERT_EQUAL(uint64_t{0}, s.uint("signature-expiry"));
    CPPUNIT_ASSERT_EQUAL(std::string(), s.str("authserv-id"));
    CPPUNIT_ASSERT_EQUAL(std::string(), s.str("key-table"));
  }

  void testConfigDefaultIsUnderSysconfdir() {
    Settings s = Settings::load(parse({}), "", kFilter);
    CPPUNIT_ASSERT_EQUAL(std::string(SYSCONFDIR "/postseal/postseal.conf"), s.str("config"));
  }

  void testFileOverridesDefault() {
    testing::TempDir dir;
    auto file = dir.write("postseal.conf",
                          "sub-domains = yes\n"
                          "canonicalization = simple/relaxed\n"
                          "signature-expiry = 604800\n"
                          "key-table = /etc/postseal/KeyTable\n");
    Settings s = Settings::load(parse({}), file, kFilter);
    CPPUNIT_ASSERT(s.flag("sub-domains"));
    CPPUNIT_ASSERT_EQUAL(std::string("simple/relaxed"), s.str("canonicalization"));
    CPPUNIT_ASSERT_EQUAL(uint64_t{604800}, s.uint("signature-expiry"));
    CPPUNIT_ASSERT_EQUAL(std::string("/etc/postseal/KeyTable"), s.str("key-table"));
    CPPUNIT_ASSERT_EQUAL(file, s.str("config"));
  }

  void testCommandLineOverridesFile() {
    testing::TempDir dir;
    auto file = dir.write("postseal.conf", "sub-domains = yes\nselector = file\n");
    Settings s =
        Settings::load(parse({"--sub-domains=no", "--selector", "cmdline"}), file, kFilter);
    CPPUNIT_ASSERT(!s.flag("sub-domains"));
    CPPUNIT_ASSERT_EQUAL(std::string("cmdline"), s.str("selector"));
  }

  void testLaterFileLineWins() {
    testing::TempDir dir;
    auto file = dir.write("postseal.conf", "selector = one\nselector = two\n");
    CPPUNIT_ASSERT_EQUAL(std::string("two"),
                         Settings::load(parse({}), file, kFilter).str("selector"));
  }

  void testCommentsBlankLinesAndWhitespaceAreIgnored() {
    testing::TempDir dir;
    auto file = dir.write("postseal.conf",
                          "# signing\n"
                          "\n"
                          "   \t\n"
                          "  domain\t=   example.com  \r\n"
                          "key-file = /etc/postseal/k.pem   # the 2026 key\n"
                          "    # indented comment\n");
    Settings s = Settings::load(parse({}), file, kFilter);
    CPPUNIT_ASSERT_EQUAL(std::string("example.com"), s.str("domain"));
    CPPUNIT_ASSERT_EQUAL(std::string("/etc/postseal/k.pem"), s.str("key-file"));
  }

  void testHashInsideAWordIsKept() {
    testing::TempDir dir;
    auto file = dir.write("postseal.conf", "authserv-id = mx#1.example.com\n");
    CPPUNIT_ASSERT_EQUAL(std::string("mx#1.example.com"),
                         Settings::load(parse({}), file, kFilter).str("authserv-id"));
  }

  void testUnknownOptionInFileNamesFileAndLine() {
    testing::TempDir dir;
    auto file = dir.write("postseal.conf", "# x\ndomain = example.com\nfoo = bar\n");
    CPPUNIT_ASSERT_EQUAL(file + ":3: unknown option \"foo\"", load_error({}, file));
  }

  void testLineWithoutEqualsNamesFileAndLine() {
    testing::TempDir dir;
    auto file = dir.write("postseal.conf", "Domain example.com\n");
    CPPUNIT_ASSERT_EQUAL(file + ":1: expected \"name = value\"", load_error({}, file));
  }

  void testBadBoolValueInFileNamesFileLineAndOption() {
    testing::TempDir dir;
    auto file = dir.write("postseal.conf", "\nsub-domains = maybe\n");
    CPPUNIT_ASSERT_EQUAL(
        file + ":2: invalid value \"maybe\" for sub-domains: expected yes or no",
        load_error({}, file));
  }

  void testBadBoolOnCommandLineNamesTheOption() {
    CPPUNIT_ASSERT_EQUAL(
        std::string("--body-length: invalid value \"sure\": expected yes or no"),
        load_error({"--body-length=sure"}, ""));
  }

  void testBoolAcceptsYesNoTrueFalseOneZeroOnOff() {
    const std::pair<const char*, bool> cases[] = {
        {"yes", true}, {"YES", true}, {"true", true},   {"1", true},  {"on", true},
        {"no", false}, {"No", false}, {"false", false}, {"0", false}, {"off", false}};
    for (const auto& [word, want] : cases) {
      Settings s = Settings::load(parse({std::string("--body-length=") + word}), "", kFilter);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(word, want, s.flag("body-length"));
    }
  }

  void testBareBoolFlagOnCommandLineMeansYes() {
    Settings s = Settings::load(parse({"--sub-domains"}), "", kFilter);
    CPPUNIT_ASSERT(s.flag("sub-domains"));
  }

  void testCanonicalizationAcceptsSimpleRelaxedPairs() {
    for (const char* c :
         {"simple", "relaxed", "simple/simple", "relaxed/simple", "Relaxed/Relaxed"}) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c, std::string(),
                                   load_error({std::string("--canonicalization=") + c}, ""));
    }
  }

  void testCanonicalizationRejectsOtherWords() {
    for (const char* c : {"fast", "relaxed/", "/relaxed", "simple/relaxed/simple"}) {
      std::string err = load_error({std::string("--canonicalization=") + c}, "");
      CPPUNIT_ASSERT_MESSAGE(c, err.starts_with("--canonicalization: invalid value"));
    }
    testing::TempDir dir;
    auto file = dir.write("postseal.conf", "canonicalization =\n");
    CPPUNIT_ASSERT(load_error({}, file).starts_with(file + ":1: invalid value \"\" for "));
  }

  void testUintRejectsNonDigitsAndOverflow() {
    CPPUNIT_ASSERT(load_error({"--signature-expiry=-1"}, "").find("expected a number") !=
                   std::string::npos);
    CPPUNIT_ASSERT(load_error({"--signature-expiry=1d"}, "").find("expected a number") !=
                   std::string::npos);
    CPPUNIT_ASSERT(
        load_error({"--signature-expiry=99999999999999999999"}, "").find("too large") !=
        std::string::npos);
    Settings s =
        Settings::load(parse({"--signature-expiry=18446744073709551615"}), "", kFilter);
    CPPUNIT_ASSERT_EQUAL(UINT64_MAX, s.uint("signature-expiry"));
  }

  void testListSplitsOnColonCommaAndWhitespace() {
    testing::TempDir dir;
    auto file =
        dir.write("postseal.conf", "omit-headers = Message-ID:Date, Return-Path\tBounces-To\n");
    Settings s = Settings::load(parse({}), file, kFilter);
    std::vector<std::string> want = {"Message-ID", "Date", "Return-Path", "Bounces-To"};
    CPPUNIT_ASSERT(s.list("omit-headers") == want);
  }

  void testHeaderListRejectsNonPrintableNames() {
    std::string err = load_error({"--sign-headers=From:Subj\x01"
                                  "ect"},
                                 "");
    CPPUNIT_ASSERT_MESSAGE(err, err.find("is not a header field name") != std::string::npos);
  }

  void testSignAndOversignListsRefuseDkimSignature() {
    // RFC 6376 §3.5: a signature must not cover its own field (dkim::validate_policy).
    testing::TempDir dir;
    auto file = dir.write("postseal.conf", "oversign-headers = From, DKIM-Signature\n");
    std::string err = load_error({}, file);
    CPPUNIT_ASSERT_MESSAGE(err, err.find(file + ":1: invalid value") == 0);
    CPPUNIT_ASSERT_MESSAGE(err,
                           err.find("oversign-headers: DKIM-Signature cannot be signed or "
                                    "oversigned (RFC 6376 section 3.5") != std::string::npos);
    err = load_error({"--sign-headers=From:Subject:dkim-signature"}, "");
    CPPUNIT_ASSERT_MESSAGE(err, err.find("--sign-headers: invalid value") == 0);
    CPPUNIT_ASSERT_MESSAGE(err, err.find("remove it") != std::string::npos);
    Settings s = Settings::load(parse({"--omit-headers=DKIM-Signature"}), "", kFilter);
    CPPUNIT_ASSERT_EQUAL(size_t(1), s.list("omit-headers").size());
  }

  void testOptionOfAnotherProgramInFileIsAcceptedButNotApplied() {
    testing::TempDir dir;
    auto file = dir.write("postseal.conf", "key-table = /etc/kt\nauthserv-id = mx.example\n");
    Settings s = Settings::load(parse({}, kPolicyd), file, kPolicyd);
    CPPUNIT_ASSERT_EQUAL(std::string("mx.example"), s.str("authserv-id"));
    CPPUNIT_ASSERT(s.dump(false).find("key-table") == std::string::npos);
    // Still validated: one file serves every program, so a typo is caught by all.
    auto bad = dir.write("bad.conf", "sub-domains = perhaps\n");
    CPPUNIT_ASSERT(load_error({}, bad, kPolicyd).starts_with(bad + ":1: invalid value"));
  }

  void testConfigOptionInsideFileIsRefused() {
    testing::TempDir dir;
    auto file = dir.write("postseal.conf", "config = /etc/other.conf\n");
    CPPUNIT_ASSERT(load_error({}, file).starts_with(file + ":1: option \"config\""));
  }

  void testMissingConfigFileIsAnError() {
    testing::TempDir dir;
    std::string file = dir.path() + "/absent.conf";
    CPPUNIT_ASSERT_EQUAL(file + ": cannot read: No such file or directory",
                         load_error({}, file));
  }

  void testHelpShowsEveryDefault() {
    po::options_description desc(1000, 500);  // wide, so no help line is wrapped
    Settings::describe(desc, kFilter | kPolicyd | kTool);
    std::ostringstream help;
    help << desc;
    for (const auto& o : option_table()) {
      std::string name(o.name);
      CPPUNIT_ASSERT_MESSAGE(name, help.str().find("--" + name) != std::string::npos);
    }
    CPPUNIT_ASSERT(help.str().find("(default: relaxed/relaxed)") != std::string::npos);
    CPPUNIT_ASSERT(help.str().find("(default: From)") != std::string::npos);
    CPPUNIT_ASSERT(help.str().find("(default: none)") != std::string::npos);
  }

  void testHelpListsOnlyTheProgramsOptions() {
    po::options_description desc;
    Settings::describe(desc, kPolicyd);
    CPPUNIT_ASSERT(desc.find_nothrow("authserv-id", false) != nullptr);
    CPPUNIT_ASSERT(desc.find_nothrow("key-table", false) == nullptr);
  }

  void testDumpListsEveryOptionOfTheProgramsInTableOrder() {
    Settings s = Settings::load(parse({"--selector=s2026"}), "", kFilter);
    std::string want;
    for (const auto& o : option_table()) {
      if ((o.programs & kFilter) == 0) continue;
      std::string v = o.name == "selector" ? "s2026"
                      : o.name == "config" ? s.str("config")
                                           : std::string(o.default_value);
      want += std::string(o.name) + " = " + v + "\n";
    }
    CPPUNIT_ASSERT_EQUAL(want, s.dump(false));
  }

  void testDumpOnlyChangedListsJustTheChanges() {
    Settings s = Settings::load(parse({"--selector=s2026", "--sub-domains=on"}), "", kFilter);
    CPPUNIT_ASSERT_EQUAL(std::string("selector = s2026\nsub-domains = yes\n"), s.dump(true));
  }

  // The installed postseal.conf (postseal config --defaults): one "#name = default" line
  // per option, so it cannot drift from the table.
  void testCommentedDefaultsListEveryOptionButConfigOnce() {
    std::string text = commented_defaults();
    for (const auto& o : option_table()) {
      std::string line = "\n#" + std::string(o.name) + " =";
      std::size_t at = text.find(line);
      if (o.name == "config") {
        CPPUNIT_ASSERT_MESSAGE("config is not a file option", at == std::string::npos);
        continue;
      }
      CPPUNIT_ASSERT_MESSAGE(std::string(o.name) + " missing", at != std::string::npos);
      CPPUNIT_ASSERT_MESSAGE(std::string(o.name) + " twice",
                             text.find(line, at + 1) == std::string::npos);
      std::string want =
          line + (o.default_value.empty() ? "" : " " + std::string(o.default_value));
      CPPUNIT_ASSERT_EQUAL(want + "\n", text.substr(at, want.size() + 1));
    }
  }

  void testCommentedDefaultsUncommentedLoadAsTheBuiltInDefaults() {
    std::istringstream in(commented_defaults());
    std::string line, uncommented;
    int options = 0;
    while (std::getline(in, line)) {
      if (line.size() > 1 && line[0] == '#' && line[1] >= 'a' && line[1] <= 'z') {
        line.erase(0, 1);
        ++options;
      }
      uncommented += line + "\n";
    }
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(option_table().size()) - 1, options);
    testing::TempDir dir;
    auto file = dir.write("postseal.conf", uncommented);
    const unsigned all = kFilter | kPolicyd | kTool;
    Settings from_file = Settings::load(parse({}, all), file, all);
    CPPUNIT_ASSERT_EQUAL(std::string("config = " + file + "\n"), from_file.dump(true));
  }

  void testCommentedDefaultsAsIsChangeNothing() {
    testing::TempDir dir;
    auto file = dir.write("postseal.conf", commented_defaults());
    const unsigned all = kFilter | kPolicyd | kTool;
    Settings s = Settings::load(parse({}, all), file, all);
    CPPUNIT_ASSERT_EQUAL(std::string("config = " + file + "\n"), s.dump(true));
  }

  // "--body-length FILE" must not read FILE as the flag's value; "--" ends options.
  void testBareFlagsTakeNoWordAfterThem() {
    auto out = explicit_flags({"--body-length", "msg.eml", "--selector", "s1",
                               "--sub-domains=no", "--", "--body-length"});
    std::vector<std::string> want{"--body-length=yes", "msg.eml", "--selector",   "s1",
                                  "--sub-domains=no",  "--",      "--body-length"};
    CPPUNIT_ASSERT(want == out);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OptionsTest);

}  // namespace
}  // namespace postseal::config
