/// \file
/// The strict RFC 7208 §12 record check and the rewrite for libspf2 (record_check.h).
#include "spf/record_check.h"

#include <string>

#include <cppunit/extensions/HelperMacros.h>

using postseal::spf::detail::check_record;
using postseal::spf::detail::Family;
using postseal::spf::detail::is_spf_record;
using postseal::spf::detail::is_valid_domain;
using postseal::spf::detail::is_valid_explanation;

namespace {

bool valid(const std::string& r) { return check_record(r, Family::kIpv4, "example.com").ok(); }

std::string rewritten(const std::string& r, Family f = Family::kIpv4) {
  auto c = check_record(r, f, "example.com");
  return c.ok() ? c->text : "error: " + c.message();
}

}  // namespace

class RecordCheckTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RecordCheckTest);
  CPPUNIT_TEST(testRecognisesVersionOneRecordsOnly);
  CPPUNIT_TEST(testAcceptsTheRfcExamples);
  CPPUNIT_TEST(testDomainSpecNeedsAValidToplabelOrMacro);
  CPPUNIT_TEST(testMacroSyntax);
  CPPUNIT_TEST(testCidrLengths);
  CPPUNIT_TEST(testModifiers);
  CPPUNIT_TEST(testUnknownModifiersAreLeftOutOfTheRewrite);
  CPPUNIT_TEST(testRedirectIsLeftOutWhenAllIsPresent);
  CPPUNIT_TEST(testZeroLengthsAreRewrittenPerFamily);
  CPPUNIT_TEST(testExplanationSyntax);
  CPPUNIT_TEST(testDomainValidity);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testRecognisesVersionOneRecordsOnly() {
    CPPUNIT_ASSERT(is_spf_record("v=spf1"));
    CPPUNIT_ASSERT(is_spf_record("V=SPF1 -all"));
    CPPUNIT_ASSERT(!is_spf_record("v=spf10"));
    CPPUNIT_ASSERT(!is_spf_record("v=spf1-all"));
    CPPUNIT_ASSERT(!is_spf_record("spf2.0/pra"));
  }

  void testAcceptsTheRfcExamples() {
    // RFC 7208 §A and §D examples, and some busy real-world shapes.
    for (const char* r :
         {"v=spf1 +all", "v=spf1 a -all", "v=spf1 a:example.org -all", "v=spf1 mx -all",
          "v=spf1 mx:example.org -all", "v=spf1 mx mx:example.org -all",
          "v=spf1 mx/30 mx:example.org/30 -all", "v=spf1 ptr -all",
          "v=spf1 ip4:192.0.2.128/28 -all",
          "v=spf1 include:example.com include:example.net -all", "v=spf1 redirect=example.org",
          "v=spf1 a//64 mx/24//64 ip6:2001:db8::/32 ~all",
          "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all", "v=spf1 a  -all ",
          "v=spf1 -all exp=explain._spf.%{d}", "v=spf1 a:foo:bar/baz.example.com",
          "v=spf1 a:foo.example.xn--zckzah -all", "v=spf1 include:o.spf.example.com. ~all"})
      CPPUNIT_ASSERT_MESSAGE(r, valid(r));
  }

  void testDomainSpecNeedsAValidToplabelOrMacro() {
    for (const char* r :
         {"v=spf1 a:museum", "v=spf1 a:museum.", "v=spf1 a:abc.123", "v=spf1 a:example.-com",
          "v=spf1 a:example.com:8080", "v=spf1 a:", "v=spf1 include:", "v=spf1 exists",
          "v=spf1 include", "v=spf1 ptr:", "v=spf1 exists:mail.example.com/24",
          "v=spf1 include:ip5.example.com/24"})
      CPPUNIT_ASSERT_MESSAGE(r, !valid(r));
    CPPUNIT_ASSERT(valid("v=spf1 a:%{d}"));
    CPPUNIT_ASSERT(valid("v=spf1 a:123-456.example.123-456"));
  }

  void testMacroSyntax() {
    for (const char* r :
         {"v=spf1 exists:%(ir).sbl.example.com", "v=spf1 exists:foo%.example.com",
          "v=spf1 exists:%{x}.example.com", "v=spf1 exists:%{d",
          "v=spf1 exists:%{c}.example.com", "v=spf1 exists:%{ir!}.example.com"})
      CPPUNIT_ASSERT_MESSAGE(r, !valid(r));
    CPPUNIT_ASSERT(valid("v=spf1 a:macro%%percent%_%_space%-url-space.example.com"));
    CPPUNIT_ASSERT(valid("v=spf1 exists:%{L2r-}.%{D10}.%{v}.%{H}.example.com"));
  }

  void testCidrLengths() {
    for (const char* r :
         {"v=spf1 ip4:1.2.3.4/33", "v=spf1 ip4:1.2.3.4/032", "v=spf1 ip4:1.2.3.4//32",
          "v=spf1 ip6:::1/129", "v=spf1 a/33", "v=spf1 a//129", "v=spf1 a/24/64",
          "v=spf1 ptr/0", "v=spf1 -all/8", "v=spf1 ip4:1.2.3", "v=spf1 ip4:01.2.3.4",
          "v=spf1 ip4", "v=spf1 ip6::CAFE::BABE"})
      CPPUNIT_ASSERT_MESSAGE(r, !valid(r));
    CPPUNIT_ASSERT(valid("v=spf1 a/24//64 ip4:1.2.3.4/32 ip6:::1.1.1.1/128"));
  }

  void testModifiers() {
    for (const char* r : {"v=spf1 exp=a.example.com exp=b.example.com",
                          "v=spf1 redirect=a.example.com redirect=a.example.com",
                          "v=spf1 redirect:a.example.com", "v=spf1 =all", "v=spf1 1up=foo",
                          "v=spf1 moo.cow/far_out=man:dog/cat", "v=spf1 exp=",
                          "v=spf1 redirect=", "v=spf1 foo=%abc", "v=spf1 exp=%{r}.example.com"})
      CPPUNIT_ASSERT_MESSAGE(r, !valid(r));
    CPPUNIT_ASSERT(valid("v=spf1 default=pass"));
    CPPUNIT_ASSERT(valid("v=spf1 moo.cow-far_out=man:dog/cat -all"));
  }

  void testUnknownModifiersAreLeftOutOfTheRewrite() {
    CPPUNIT_ASSERT_EQUAL(std::string("v=spf1 ip4:1.2.3.4 -all"),
                         rewritten("v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all"));
    CPPUNIT_ASSERT_EQUAL(std::string("v=spf1 -all exp=x.example.com"),
                         rewritten("V=SPF1 -ALL EXP=x.example.com"));
  }

  void testRedirectIsLeftOutWhenAllIsPresent() {
    CPPUNIT_ASSERT_EQUAL(std::string("v=spf1 ~all"),
                         rewritten("v=spf1 redirect=t5.example.com ~all"));
    CPPUNIT_ASSERT_EQUAL(std::string("v=spf1 ip4:1.2.3.4 redirect=t2.example.com"),
                         rewritten("v=spf1 ip4:1.2.3.4 redirect=t2.example.com"));
  }

  void testZeroLengthsAreRewrittenPerFamily() {
    CPPUNIT_ASSERT_EQUAL(std::string("v=spf1 -ip4:0.0.0.0/1 -ip4:128.0.0.0/1"),
                         rewritten("v=spf1 -ip4:1.1.1.1/0"));
    CPPUNIT_ASSERT_EQUAL(std::string("v=spf1"),
                         rewritten("v=spf1 -ip4:1.1.1.1/0", Family::kIpv6));
    CPPUNIT_ASSERT_EQUAL(std::string("v=spf1 ip6:::/1 ip6:8000::/1"),
                         rewritten("v=spf1 ip6:::1.1.1.1/0", Family::kIpv6));
    auto c = check_record("v=spf1 a/0 mx:mx.example.net//0 -all", Family::kIpv4, "Example.COM");
    CPPUNIT_ASSERT(c.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("v=spf1 a mx:mx.example.net -all"), c->text);
    CPPUNIT_ASSERT_EQUAL(size_t(1), c->any_address_a.size());
    CPPUNIT_ASSERT_EQUAL(std::string("example.com"), c->any_address_a[0]);
    CPPUNIT_ASSERT(c->any_address_mx.empty());
    c = check_record("v=spf1 a/0 mx:mx.example.net//0 -all", Family::kIpv6, "example.com");
    CPPUNIT_ASSERT(c->any_address_a.empty());
    CPPUNIT_ASSERT_EQUAL(std::string("mx.example.net"), c->any_address_mx.at(0));
  }

  void testExplanationSyntax() {
    CPPUNIT_ASSERT(is_valid_explanation("%{i} is not one of %{d}'s designated mail servers."));
    CPPUNIT_ASSERT(
        is_valid_explanation("See http://%{d}/why.html?s=%{S}&i=%{C}&r=%{R}&t=%{t}"));
    CPPUNIT_ASSERT(!is_valid_explanation("The %{x}-files."));
    CPPUNIT_ASSERT(
        !is_valid_explanation("\xef\xbb\xbf"
                              "Explanation"));
    CPPUNIT_ASSERT(!is_valid_explanation("100%"));
  }

  void testDomainValidity() {
    CPPUNIT_ASSERT(is_valid_domain("example.com"));
    CPPUNIT_ASSERT(is_valid_domain("example.com."));
    CPPUNIT_ASSERT(!is_valid_domain("localhost"));
    CPPUNIT_ASSERT(!is_valid_domain("a..example.com"));
    CPPUNIT_ASSERT(!is_valid_domain("[192.0.2.1]"));
    CPPUNIT_ASSERT(!is_valid_domain(std::string(64, 'a') + ".com"));
    CPPUNIT_ASSERT(is_valid_domain(std::string(63, 'a') + ".com"));
    CPPUNIT_ASSERT(!is_valid_domain("has space.example.com"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RecordCheckTest);
