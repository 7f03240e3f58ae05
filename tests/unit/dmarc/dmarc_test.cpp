/// \file
/// DMARC as RFC 9989 defines it, one case per rule, each citing its section: record
/// syntax (§4.7, §4.8), the DNS Tree Walk with its 8-label jump and query cap (§4.10),
/// policy discovery and the tag in force (§4.10.1, §4.7 p/sp/np/t), Organizational
/// Domains and alignment (§4.10.2, with the examples of Appendix B.3), DNS trouble
/// (§5.3.6), and the Author Domain (§5.3.1, IDN). DNS is the in-memory StaticResolver.
#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "authres/authres.h"
#include "dmarc/destinations.h"
#include "dmarc/evaluate.h"
#include "dmarc/override.h"
#include "dmarc/record.h"
#include "dns/static_resolver.h"

using namespace postseal;
using dmarc::Alignment;
using dmarc::Evaluator;
using dmarc::Input;
using dmarc::Policy;
using dmarc::Psd;

namespace {

// The TXT names a walk asked for, in order (the StaticResolver logs "NAME TYPE").
std::vector<std::string> txt_queries(const dns::StaticResolver& dns) {
  std::vector<std::string> out;
  for (const auto& l : dns.log())
    if (l.ends_with(" TXT")) out.push_back(l.substr(0, l.size() - 4));
  return out;
}

Input message(std::string author, std::vector<Input::Dkim> dkim = {}, std::string spf = "",
              std::string spf_domain = "") {
  Input in;
  in.author_domain = std::move(author);
  in.dkim = std::move(dkim);
  in.spf_result = std::move(spf);
  in.spf_domain = std::move(spf_domain);
  return in;
}

}  // namespace

class DmarcTest : public CppUnit::TestFixture {
  // dmarc::Result, not postseal::Result (util/result.h, which config/host_list.h brings).
  using Result = dmarc::Result;
  CPPUNIT_TEST_SUITE(DmarcTest);
  CPPUNIT_TEST(record_version_first_and_case_sensitive);
  CPPUNIT_TEST(record_tags);
  CPPUNIT_TEST(record_invalid_and_historic_tags);
  CPPUNIT_TEST(walk_parents_up_to_the_top);
  CPPUNIT_TEST(walk_jumps_to_seven_labels_and_asks_eight_names_at_most);
  CPPUNIT_TEST(walk_stops_at_psd);
  CPPUNIT_TEST(org_domain_examples);
  CPPUNIT_TEST(policy_of_author_domain_is_p);
  CPPUNIT_TEST(policy_of_subdomain_is_sp_then_p);
  CPPUNIT_TEST(policy_of_nonexistent_subdomain_is_np);
  CPPUNIT_TEST(policy_record_without_p_is_none);
  CPPUNIT_TEST(invalid_policy_with_and_without_rua);
  CPPUNIT_TEST(testing_lowers_the_disposition);
  CPPUNIT_TEST(several_records_are_all_discarded);
  CPPUNIT_TEST(empty_and_binary_records_beside_the_record_are_ignored);
  CPPUNIT_TEST(no_record_is_none);
  CPPUNIT_TEST(intermediate_record_is_not_the_policy);
  CPPUNIT_TEST(psd_policy_applies_when_org_has_none);
  CPPUNIT_TEST(dkim_alignment_relaxed_and_strict);
  CPPUNIT_TEST(spf_alignment_relaxed_and_strict);
  CPPUNIT_TEST(failed_signature_does_not_align);
  CPPUNIT_TEST(psd_example_alignment);
  CPPUNIT_TEST(dns_trouble_is_temperror);
  CPPUNIT_TEST(author_domain_idn_and_case);
  CPPUNIT_TEST(fail_applies_the_disposition_after_t);
  CPPUNIT_TEST(override_network_exempts_a_failing_message);
  CPPUNIT_TEST(override_domain_needs_an_authenticated_identifier);
  CPPUNIT_TEST(override_leaves_pass_and_p_none_alone);
  CPPUNIT_TEST(override_reasons_are_rfc9990_types);
  CPPUNIT_TEST(mailto_uris);
  CPPUNIT_TEST(report_destinations_inside_the_org_domain);
  CPPUNIT_TEST(external_destination_needs_authorization);
  CPPUNIT_TEST(external_authorization_may_replace_the_address);
  CPPUNIT_TEST(external_check_dns_trouble_is_temperror);
  CPPUNIT_TEST_SUITE_END();

 public:
  // §4.8: v=DMARC1 first, the value case sensitive; otherwise the record is ignored.
  void record_version_first_and_case_sensitive() {
    CPPUNIT_ASSERT(dmarc::is_dmarc_record("v=DMARC1; p=none"));
    CPPUNIT_ASSERT(dmarc::is_dmarc_record("v=DMARC1"));
    CPPUNIT_ASSERT(dmarc::is_dmarc_record("v = DMARC1 ;p=none"));
    CPPUNIT_ASSERT(!dmarc::is_dmarc_record("v=dmarc1; p=none"));
    CPPUNIT_ASSERT(!dmarc::is_dmarc_record("p=none; v=DMARC1"));
    CPPUNIT_ASSERT(!dmarc::is_dmarc_record("v=DMARC1p=none"));
    CPPUNIT_ASSERT(!dmarc::is_dmarc_record("v=spf1 -all"));
    CPPUNIT_ASSERT(!dmarc::parse_record("v=DMARC2; p=reject"));
  }

  // §4.7: each tag; values are ABNF literals (case-insensitive); rua keeps valid URIs
  // and drops the obsolete "!size" suffix (§4.8).
  void record_tags() {
    auto r = dmarc::parse_record(
        "v=DMARC1; p=Reject; sp=quarantine; np=none; adkim=s; aspf=S; t=y; psd=n; "
        "rua=mailto:agg@example.com!10m, https://r.example.net/x; ruf=mailto:f@example.com; "
        "fo=1");
    CPPUNIT_ASSERT(r);
    CPPUNIT_ASSERT(r->p == Policy::kReject);
    CPPUNIT_ASSERT(r->sp == Policy::kQuarantine);
    CPPUNIT_ASSERT(r->np == Policy::kNone);
    CPPUNIT_ASSERT(r->adkim == Alignment::kStrict);
    CPPUNIT_ASSERT(r->aspf == Alignment::kStrict);
    CPPUNIT_ASSERT(r->testing);
    CPPUNIT_ASSERT(r->psd == Psd::kNo);
    CPPUNIT_ASSERT_EQUAL(size_t(2), r->rua.size());
    CPPUNIT_ASSERT_EQUAL(std::string("mailto:agg@example.com"), r->rua[0]);
    CPPUNIT_ASSERT_EQUAL(std::string("https://r.example.net/x"), r->rua[1]);
    CPPUNIT_ASSERT_EQUAL(size_t(1), r->ruf.size());
    CPPUNIT_ASSERT(!r->p_invalid);
    auto d = dmarc::parse_record("v=DMARC1");
    CPPUNIT_ASSERT(d && !d->p && !d->sp && !d->np);
    CPPUNIT_ASSERT(d->adkim == Alignment::kRelaxed && d->aspf == Alignment::kRelaxed);
    CPPUNIT_ASSERT(d->psd == Psd::kUnknown && !d->testing);
  }

  // §4.7: unknown tags ignored; pct/rf/ri historic; an invalid value leaves the default.
  void record_invalid_and_historic_tags() {
    auto r = dmarc::parse_record(
        "v=DMARC1; p=reject; pct=10; rf=afrf; ri=3600; x-new=1; "
        "adkim=x; t=maybe; rua=not a uri, mailto:ok@example.com");
    CPPUNIT_ASSERT(r && r->p == Policy::kReject && !r->p_invalid);
    CPPUNIT_ASSERT(r->adkim == Alignment::kRelaxed);
    CPPUNIT_ASSERT(!r->testing);
    CPPUNIT_ASSERT_EQUAL(size_t(1), r->rua.size());
    auto bad = dmarc::parse_record("v=DMARC1; p=block");
    CPPUNIT_ASSERT(bad && bad->p_invalid && !bad->p);
    CPPUNIT_ASSERT(dmarc::parse_record("v=DMARC1; p=none; np=bogus")->p_invalid);
  }

  // §4.10 steps 1-7: the name itself, then each parent, to the top label.
  void walk_parents_up_to_the_top() {
    dns::StaticResolver dns;
    Evaluator ev(dns);
    auto w = ev.walk("a.mail.example.com");
    CPPUNIT_ASSERT(w.found.empty() && !w.temperror);
    std::vector<std::string> want{"_dmarc.a.mail.example.com", "_dmarc.mail.example.com",
                                  "_dmarc.example.com", "_dmarc.com"};
    CPPUNIT_ASSERT(want == txt_queries(dns));
  }

  // §4.10 step 4 and its example: 12+ labels jump to the last 7; 8 queries at most.
  void walk_jumps_to_seven_labels_and_asks_eight_names_at_most() {
    dns::StaticResolver dns;
    Evaluator ev(dns);
    ev.walk("a.b.c.d.e.f.g.h.i.j.mail.example.com");
    std::vector<std::string> want{"_dmarc.a.b.c.d.e.f.g.h.i.j.mail.example.com",
                                  "_dmarc.g.h.i.j.mail.example.com",
                                  "_dmarc.h.i.j.mail.example.com",
                                  "_dmarc.i.j.mail.example.com",
                                  "_dmarc.j.mail.example.com",
                                  "_dmarc.mail.example.com",
                                  "_dmarc.example.com",
                                  "_dmarc.com"};
    CPPUNIT_ASSERT(want == txt_queries(dns));
    // Exactly 8 labels: the parent (7 labels) comes next, as in §4.10.1.
    dns::StaticResolver dns8;
    Evaluator ev8(dns8);
    ev8.walk("a.b.c.d.e.f.example.com");
    auto q = txt_queries(dns8);
    CPPUNIT_ASSERT_EQUAL(size_t(8), q.size());
    CPPUNIT_ASSERT_EQUAL(std::string("_dmarc.b.c.d.e.f.example.com"), q[1]);
  }

  // §4.10 steps 2 and 6: a single record with psd=y or psd=n ends the walk.
  void walk_stops_at_psd() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.mail.example.com", "v=DMARC1; p=none; psd=n");
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
    Evaluator ev(dns);
    auto w = ev.walk("a.mail.example.com");
    CPPUNIT_ASSERT_EQUAL(size_t(1), w.found.size());
    CPPUNIT_ASSERT_EQUAL(size_t(2), txt_queries(dns).size());
  }

  // §4.10.2's three examples for "a.mail.example.com", and no record at all.
  void org_domain_examples() {
    {
      dns::StaticResolver dns;
      dns.add_txt("_dmarc.mail.example.com", "v=DMARC1; p=none");
      dns.add_txt("_dmarc.example.com", "v=DMARC1; p=none");
      Evaluator ev(dns);
      CPPUNIT_ASSERT_EQUAL(std::string("example.com"), *ev.org_domain("a.mail.example.com"));
    }
    {
      dns::StaticResolver dns;
      dns.add_txt("_dmarc.mail.example.com", "v=DMARC1; p=none; psd=n");
      dns.add_txt("_dmarc.example.com", "v=DMARC1; p=none");
      Evaluator ev(dns);
      CPPUNIT_ASSERT_EQUAL(std::string("mail.example.com"),
                           *ev.org_domain("a.mail.example.com"));
    }
    {
      dns::StaticResolver dns;
      dns.add_txt("_dmarc.com", "v=DMARC1; p=none; psd=y");
      Evaluator ev(dns);
      CPPUNIT_ASSERT_EQUAL(std::string("example.com"), *ev.org_domain("a.mail.example.com"));
    }
    {
      dns::StaticResolver dns;
      Evaluator ev(dns);
      CPPUNIT_ASSERT_EQUAL(std::string("a.mail.example.com"),
                           *ev.org_domain("a.mail.example.com"));
    }
  }

  // §4.10.1: the Author Domain's own record: its p is in force.
  void policy_of_author_domain_is_p() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; sp=none");
    auto e = Evaluator(dns).evaluate(message("example.com"));
    CPPUNIT_ASSERT(e.result == Result::kFail);
    CPPUNIT_ASSERT_EQUAL(std::string("example.com"), e.policy_domain);
    CPPUNIT_ASSERT_EQUAL(std::string("p"), e.policy_tag);
    CPPUNIT_ASSERT(e.policy == Policy::kReject && e.disposition == Policy::kReject);
  }

  // §4.10.1 and §4.7 sp: an existing subdomain takes sp, or p without sp.
  void policy_of_subdomain_is_sp_then_p() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine");
    dns.add_address("mail.example.com", "192.0.2.1");
    auto e = Evaluator(dns).evaluate(message("mail.example.com"));
    CPPUNIT_ASSERT(e.result == Result::kFail);
    CPPUNIT_ASSERT_EQUAL(std::string("example.com"), e.policy_domain);
    CPPUNIT_ASSERT_EQUAL(std::string("sp"), e.policy_tag);
    CPPUNIT_ASSERT(e.policy == Policy::kQuarantine);
    dns::StaticResolver dns2;
    dns2.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
    e = Evaluator(dns2).evaluate(message("mail.example.com"));
    CPPUNIT_ASSERT_EQUAL(std::string("p"), e.policy_tag);
    CPPUNIT_ASSERT(e.policy == Policy::kReject);
  }

  // §4.7 np and §3.2.11: a subdomain with an NXDOMAIN answer takes np; without np, sp.
  void policy_of_nonexistent_subdomain_is_np() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine; np=reject");
    dns.add_address("real.example.com", "192.0.2.1");
    auto e = Evaluator(dns).evaluate(message("ghost.example.com"));
    CPPUNIT_ASSERT_EQUAL(std::string("np"), e.policy_tag);
    CPPUNIT_ASSERT(e.policy == Policy::kReject);
    e = Evaluator(dns).evaluate(message("real.example.com"));
    CPPUNIT_ASSERT_EQUAL(std::string("sp"), e.policy_tag);
    CPPUNIT_ASSERT(e.policy == Policy::kQuarantine);
    dns::StaticResolver dns2;
    dns2.add_txt("_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine");
    e = Evaluator(dns2).evaluate(message("ghost.example.com"));
    CPPUNIT_ASSERT_EQUAL(std::string("sp"), e.policy_tag);
  }

  // §4.7 p: a record without p is treated as p=none.
  void policy_record_without_p_is_none() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.example.com", "v=DMARC1; rua=mailto:d@example.com");
    auto e = Evaluator(dns).evaluate(message("example.com"));
    CPPUNIT_ASSERT(e.result == Result::kFail);
    CPPUNIT_ASSERT(e.policy == Policy::kNone && e.disposition == Policy::kNone);
  }

  // §4.10.1: an invalid p/sp/np is p=none when rua has a valid URI, else no DMARC.
  void invalid_policy_with_and_without_rua() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=bounce; rua=mailto:d@example.com");
    auto e = Evaluator(dns).evaluate(message("example.com"));
    CPPUNIT_ASSERT(e.result == Result::kFail);
    CPPUNIT_ASSERT(e.policy == Policy::kNone);
    dns::StaticResolver dns2;
    dns2.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; sp=bounce");
    e = Evaluator(dns2).evaluate(message("example.com"));
    CPPUNIT_ASSERT(e.result == Result::kNone);
  }

  // §4.7 t: t=y applies the policy one level lower; none stays none.
  void testing_lowers_the_disposition() {
    const std::pair<const char*, Policy> cases[] = {{"reject", Policy::kQuarantine},
                                                    {"quarantine", Policy::kNone},
                                                    {"none", Policy::kNone}};
    for (const auto& [p, want] : cases) {
      dns::StaticResolver dns;
      dns.add_txt("_dmarc.example.com", std::string("v=DMARC1; t=y; p=") + p);
      auto e = Evaluator(dns).evaluate(message("example.com"));
      CPPUNIT_ASSERT(e.result == Result::kFail);
      CPPUNIT_ASSERT(e.disposition == want);
      CPPUNIT_ASSERT_EQUAL(std::string(p), std::string(dmarc::to_string(e.policy)));
    }
  }

  // §4.10 step 2: two DMARC records at one name are both discarded (other TXT records
  // do not count); the walk goes on.
  void several_records_are_all_discarded() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.mail.example.com", "v=DMARC1; p=none");
    dns.add_txt("_dmarc.mail.example.com", "v=DMARC1; p=reject");
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=quarantine");
    dns.add_txt("_dmarc.example.com", "google-site-verification=abc");
    dns.add_address("mail.example.com", "192.0.2.1");
    auto e = Evaluator(dns).evaluate(message("mail.example.com"));
    CPPUNIT_ASSERT_EQUAL(std::string("example.com"), e.policy_domain);
    CPPUNIT_ASSERT(e.policy == Policy::kQuarantine);
  }

  // §4.10 step 2: TXT records that are not DMARC records are discarded, whatever they
  // hold (issue 15: an empty or binary record beside the policy record must not hide it
  // or turn the lookup into temperror; t21-dns-bad-answers serves these over the wire).
  void empty_and_binary_records_beside_the_record_are_ignored() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.example.com", "");
    dns.add_txt("_dmarc.example.com", std::string("\xff\x00v=DMARC1", 10));
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
    dns.add_txt("_dmarc.example.com", "v=DMARC1p=none");  // not "v=DMARC1" then ';'
    auto e = Evaluator(dns).evaluate(message("example.com"));
    CPPUNIT_ASSERT_EQUAL(std::string("example.com"), e.policy_domain);
    CPPUNIT_ASSERT(e.policy == Policy::kReject);
    CPPUNIT_ASSERT(e.result == Result::kFail);
  }

  // §4.10.1: no record anywhere: the DMARC mechanism does not apply.
  void no_record_is_none() {
    dns::StaticResolver dns;
    dns.add_txt("example.com", "v=spf1 -all");
    auto e = Evaluator(dns).evaluate(message("example.com", {{"example.com", "s", true}}));
    CPPUNIT_ASSERT(e.result == Result::kNone);
  }

  // §4.10.1 and Appendix B.3.2: a record between the Author Domain and its
  // Organizational Domain is neither; the policy is the Organizational Domain's.
  void intermediate_record_is_not_the_policy() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.mail.example.com", "v=DMARC1; p=none");
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
    auto e = Evaluator(dns).evaluate(message("a.b.c.d.e.f.g.h.i.j.k.mail.example.com"));
    CPPUNIT_ASSERT_EQUAL(std::string("example.com"), e.org_domain);
    CPPUNIT_ASSERT_EQUAL(std::string("example.com"), e.policy_domain);
    CPPUNIT_ASSERT(e.policy == Policy::kReject);
    CPPUNIT_ASSERT(e.queries.size() <= 9);  // 8 for the walk, 1 for existence
  }

  // §4.10.1: with no record at the Organizational Domain, the PSD's record applies.
  void psd_policy_applies_when_org_has_none() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.bank.example", "v=DMARC1; p=reject; psd=y");
    dns.add_address("small.bank.example", "192.0.2.1");
    auto e = Evaluator(dns).evaluate(message("small.bank.example"));
    CPPUNIT_ASSERT_EQUAL(std::string("small.bank.example"), e.org_domain);
    CPPUNIT_ASSERT_EQUAL(std::string("bank.example"), e.policy_domain);
    CPPUNIT_ASSERT(e.result == Result::kFail && e.policy == Policy::kReject);
  }

  // §4.10.2 and Appendix B.3.1: a passing d= with the same Organizational Domain
  // aligns in relaxed mode; strict needs the same name.
  void dkim_alignment_relaxed_and_strict() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
    dns.add_txt("_dmarc.signing.example.com", "v=DMARC1; p=none");
    auto e =
        Evaluator(dns).evaluate(message("example.com", {{"signing.example.com", "s", true}}));
    CPPUNIT_ASSERT(e.result == Result::kPass);
    CPPUNIT_ASSERT_EQUAL(std::string("dkim signing.example.com"), e.aligned);
    dns::StaticResolver strict;
    strict.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; adkim=s");
    e = Evaluator(strict).evaluate(
        message("example.com", {{"signing.example.com", "s", true}}));
    CPPUNIT_ASSERT(e.result == Result::kFail);
    e = Evaluator(strict).evaluate(message("example.com", {{"EXAMPLE.COM", "s", true}}));
    CPPUNIT_ASSERT(e.result == Result::kPass);
    // Another organization's signature never aligns.
    e = Evaluator(dns).evaluate(message("example.com", {{"example.net", "s", true}}));
    CPPUNIT_ASSERT(e.result == Result::kFail);
  }

  // §4.10.2: SPF's domain (MAIL FROM, or HELO for the null sender) likewise.
  void spf_alignment_relaxed_and_strict() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
    auto e = Evaluator(dns).evaluate(message("example.com", {}, "pass", "bounce.example.com"));
    CPPUNIT_ASSERT(e.result == Result::kPass);
    CPPUNIT_ASSERT_EQUAL(std::string("spf bounce.example.com"), e.aligned);
    e = Evaluator(dns).evaluate(message("example.com", {}, "softfail", "example.com"));
    CPPUNIT_ASSERT(e.result == Result::kFail);
    dns::StaticResolver strict;
    strict.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; aspf=s");
    e = Evaluator(strict).evaluate(message("example.com", {}, "pass", "bounce.example.com"));
    CPPUNIT_ASSERT(e.result == Result::kFail);
    // Both identifiers are judged, so reports can give each its own result.
    e = Evaluator(dns).evaluate(
        message("example.com", {{"example.com", "s", true}}, "pass", "bounce.example.com"));
    CPPUNIT_ASSERT(e.result == Result::kPass && e.dkim_aligned && e.spf_aligned);
    e = Evaluator(dns).evaluate(
        message("example.com", {{"example.net", "s", true}}, "pass", "bounce.example.com"));
    CPPUNIT_ASSERT(e.result == Result::kPass && !e.dkim_aligned && e.spf_aligned);
    // An aligned DKIM pass with an SPF fail passes (§5.3.5: any aligned identifier).
    e = Evaluator(strict).evaluate(
        message("example.com", {{"example.com", "s", true}}, "fail", "attacker.example"));
    CPPUNIT_ASSERT(e.result == Result::kPass);
  }

  // §5.3.3: only a DKIM pass is an Authenticated Identifier.
  void failed_signature_does_not_align() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
    auto e = Evaluator(dns).evaluate(message("example.com", {{"example.com", "s", false}}));
    CPPUNIT_ASSERT(e.result == Result::kFail);
  }

  // Appendix B.3.3: giant.bank.example under a psd=y bank.example.
  void psd_example_alignment() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.bank.example", "v=DMARC1; p=reject; psd=y");
    dns.add_txt("_dmarc.giant.bank.example", "v=DMARC1; p=quarantine");
    Evaluator ev(dns);
    CPPUNIT_ASSERT_EQUAL(std::string("giant.bank.example"),
                         *ev.org_domain("giant.bank.example"));
    CPPUNIT_ASSERT_EQUAL(std::string("giant.bank.example"),
                         *ev.org_domain("mail.giant.bank.example"));
    CPPUNIT_ASSERT_EQUAL(std::string("mega.bank.example"),
                         *ev.org_domain("mail.mega.bank.example"));
    auto e = Evaluator(dns).evaluate(message("giant.bank.example",
                                             {{"mail.mega.bank.example", "s", true}}, "pass",
                                             "mail.giant.bank.example"));
    CPPUNIT_ASSERT(e.result == Result::kPass);
    CPPUNIT_ASSERT_EQUAL(std::string("spf mail.giant.bank.example"), e.aligned);
    CPPUNIT_ASSERT_EQUAL(std::string("giant.bank.example"), e.policy_domain);
    e = Evaluator(dns).evaluate(
        message("giant.bank.example", {{"mail.mega.bank.example", "s", true}}));
    CPPUNIT_ASSERT(e.result == Result::kFail);
    CPPUNIT_ASSERT(e.policy == Policy::kQuarantine);
  }

  // §5.3.6: a DNS query that does not complete: neither pass nor fail.
  void dns_trouble_is_temperror() {
    dns::StaticResolver dns;
    dns.fail("_dmarc.example.com", dns::Status::kTempError);
    auto e = Evaluator(dns).evaluate(message("example.com", {{"example.com", "s", true}}));
    CPPUNIT_ASSERT(e.result == Result::kTempError);
    // The policy is known, the only identifier's walk fails: temperror, not fail.
    dns::StaticResolver dns2;
    dns2.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
    dns2.fail("_dmarc.mail.example.com", dns::Status::kTempError);
    e = Evaluator(dns2).evaluate(message("example.com", {{"mail.example.com", "s", true}}));
    CPPUNIT_ASSERT(e.result == Result::kTempError);
    // ... but an aligned pass elsewhere decides it.
    e = Evaluator(dns2).evaluate(
        message("example.com", {{"mail.example.com", "s", true}}, "pass", "example.com"));
    CPPUNIT_ASSERT(e.result == Result::kPass);
  }

  // §5.3.1: the Author Domain as an A-label (RFC 5890 §2.3), lower case.
  void author_domain_idn_and_case() {
    CPPUNIT_ASSERT_EQUAL(std::string("example.com"), *dmarc::author_domain("Joe@Example.COM"));
    CPPUNIT_ASSERT_EQUAL(std::string("example.com"), *dmarc::author_domain("joe@example.com."));
    CPPUNIT_ASSERT_EQUAL(std::string("xn--bcher-kva.example"),
                         *dmarc::author_domain("info@b\xc3\xbc"
                                               "cher.example"));
    CPPUNIT_ASSERT(!dmarc::author_domain("joe@exa mple.com"));
    CPPUNIT_ASSERT(!dmarc::author_domain("joe@"));
    CPPUNIT_ASSERT(!dmarc::author_domain("joe@a..example"));
  }

  // §5.3.6 and §9.1: a fail applies what the policy in force asks for after t=; every
  // other result applies nothing.
  void fail_applies_the_disposition_after_t() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
    dns.add_txt("_dmarc.example.org", "v=DMARC1; p=reject; t=y");
    auto e = Evaluator(dns).evaluate(message("example.com"));
    CPPUNIT_ASSERT(e.result == Result::kFail && e.applied == Policy::kReject);
    CPPUNIT_ASSERT(e.override_reason.empty());
    e = Evaluator(dns).evaluate(message("example.org"));
    CPPUNIT_ASSERT(e.result == Result::kFail && e.applied == Policy::kQuarantine);
    e = Evaluator(dns).evaluate(message("example.com", {}, "pass", "example.com"));
    CPPUNIT_ASSERT(e.result == Result::kPass && e.applied == Policy::kNone);
  }

  // §5.4: the receiver MAY accept a failing message whatever the policy, and reports why
  // (RFC 9990 §3.1.6). A client in the networks list: applied none, trusted_forwarder,
  // and Authentication-Results says policy.dmarc=none with the override in the comment.
  void override_network_exempts_a_failing_message() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.example.net", "v=DMARC1; p=reject");
    dmarc::Overrides lists;
    // First match wins: the exclusion goes before the network.
    lists.networks = *config::HostList::from_value("!192.0.2.9, 192.0.2.0/24");
    Input in = message("example.net", {}, "fail", "example.net");
    auto e = Evaluator(dns).evaluate(in);
    CPPUNIT_ASSERT(dmarc::apply_overrides(lists, in, "192.0.2.55", "", e));
    CPPUNIT_ASSERT(e.result == Result::kFail);
    CPPUNIT_ASSERT(e.disposition == Policy::kReject);  // what the domain asked for
    CPPUNIT_ASSERT(e.applied == Policy::kNone);
    CPPUNIT_ASSERT_EQUAL(std::string("trusted_forwarder"), e.override_reason);
    CPPUNIT_ASSERT_EQUAL(std::string("client 192.0.2.55 in dmarc-override-networks"),
                         e.override_comment);
    authres::AuthenticationResults ar;
    ar.authserv_id = "mx.example.com";
    ar.results.push_back(authres::dmarc_resinfo(e));
    std::string field;  // unfolded, white space as one space
    for (char c : authres::format_field(ar, "\n"))
      if (c != '\n') field += c == '\t' ? ' ' : c;
    CPPUNIT_ASSERT(field.find("dmarc=fail (p=reject override=trusted_forwarder)") !=
                   std::string::npos);
    CPPUNIT_ASSERT(field.find("policy.dmarc=none") != std::string::npos);
    CPPUNIT_ASSERT(field.find("policy.dmarc=reject") == std::string::npos);
    // An excluded address and one outside the list: the policy stands.
    auto e2 = Evaluator(dns).evaluate(in);
    CPPUNIT_ASSERT(!dmarc::apply_overrides(lists, in, "192.0.2.9", "", e2));
    CPPUNIT_ASSERT(!dmarc::apply_overrides(lists, in, "198.51.100.1", "", e2));
    CPPUNIT_ASSERT(e2.applied == Policy::kReject && e2.override_reason.empty());
  }

  // §3.2.1: only Authenticated Identifiers count. A list domain in a failed SPF check or
  // a broken signature does not exempt the message; a DKIM pass with it as d= does.
  // The Author Domain itself matches too, and ".example.org" means subdomains only.
  void override_domain_needs_an_authenticated_identifier() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.example.net", "v=DMARC1; p=quarantine");
    dmarc::Overrides lists;
    lists.domains = *config::HostList::from_value(".example.org, partner.example");
    lists.domains_reason = "mailing_list";
    Input forged = message("example.net", {{"lists.example.org", "s", false}}, "fail",
                           "lists.example.org");
    auto e = Evaluator(dns).evaluate(forged);
    CPPUNIT_ASSERT(!dmarc::apply_overrides(lists, forged, "203.0.113.5", "", e));
    CPPUNIT_ASSERT(e.applied == Policy::kQuarantine);
    Input list =
        message("example.net", {{"Lists.Example.ORG.", "s", true}}, "softfail", "example.net");
    e = Evaluator(dns).evaluate(list);
    CPPUNIT_ASSERT(e.result == Result::kFail);
    CPPUNIT_ASSERT(dmarc::apply_overrides(lists, list, "203.0.113.5", "", e));
    CPPUNIT_ASSERT(e.applied == Policy::kNone);
    CPPUNIT_ASSERT_EQUAL(std::string("mailing_list"), e.override_reason);
    CPPUNIT_ASSERT_EQUAL(std::string("DKIM pass d=lists.example.org in dmarc-override-domains"),
                         e.override_comment);
    Input spf = message("example.net", {}, "pass", "bounces.example.org");
    e = Evaluator(dns).evaluate(spf);
    CPPUNIT_ASSERT(dmarc::apply_overrides(lists, spf, "", "", e));
    CPPUNIT_ASSERT_EQUAL(std::string("SPF pass bounces.example.org in dmarc-override-domains"),
                         e.override_comment);
    Input bare = message("example.net", {}, "pass", "example.org");  // not a subdomain
    e = Evaluator(dns).evaluate(bare);
    CPPUNIT_ASSERT(!dmarc::apply_overrides(lists, bare, "", "", e));
    dns.add_txt("_dmarc.partner.example", "v=DMARC1; p=reject");
    Input author = message("partner.example");
    e = Evaluator(dns).evaluate(author);
    CPPUNIT_ASSERT(dmarc::apply_overrides(lists, author, "", "", e));
    CPPUNIT_ASSERT_EQUAL(std::string("author domain partner.example in dmarc-override-domains"),
                         e.override_comment);
  }

  // Nothing is overridden where nothing deviates from the policy: a pass, p=none, and
  // t=y that already lowered quarantine to none (RFC 9990 §3.1.6 policy_test_mode).
  void override_leaves_pass_and_p_none_alone() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
    dns.add_txt("_dmarc.example.org", "v=DMARC1; p=none");
    dns.add_txt("_dmarc.example.net", "v=DMARC1; p=quarantine; t=y");
    dmarc::Overrides lists;
    lists.networks = *config::HostList::from_value("0.0.0.0/0");
    Input pass = message("example.com", {{"example.com", "s", true}});
    for (Input in : {pass, message("example.org"), message("example.net")}) {
      auto e = Evaluator(dns).evaluate(in);
      CPPUNIT_ASSERT(!dmarc::apply_overrides(lists, in, "192.0.2.1", "", e));
      CPPUNIT_ASSERT(e.override_reason.empty() && e.applied == Policy::kNone);
    }
  }

  void override_reasons_are_rfc9990_types() {
    CPPUNIT_ASSERT_EQUAL(std::string("mailing_list"),
                         *dmarc::parse_override_reason("Mailing_List"));
    CPPUNIT_ASSERT(dmarc::parse_override_reason("trusted_forwarder"));
    CPPUNIT_ASSERT(dmarc::parse_override_reason("local_policy"));
    CPPUNIT_ASSERT(dmarc::parse_override_reason("other"));
    CPPUNIT_ASSERT(!dmarc::parse_override_reason("policy_test_mode"));
    CPPUNIT_ASSERT(!dmarc::parse_override_reason("forwarded"));
  }

  // RFC 6068 §2: addresses before "?", percent-decoded, several separated by ",".
  void mailto_uris() {
    using V = std::vector<std::string>;
    CPPUNIT_ASSERT(V{"dmarc@example.com"} ==
                   dmarc::mailto_addresses("mailto:dmarc@Example.COM"));
    CPPUNIT_ASSERT((V{"a@example.com", "b@example.net"} ==
                    dmarc::mailto_addresses("MAILTO:a@example.com%2Cb@example.net?subject=x")));
    CPPUNIT_ASSERT(V{"a+b@example.com"} == dmarc::mailto_addresses("mailto:a%2Bb@example.com"));
    for (const char* bad :
         {"https://example.com/r", "mailto:", "mailto:nobody", "mailto:-oQ/tmp@example.com",
          "mailto:a@exa_mple..com", "mailto:a%2@example.com", "mailto:a b@example.com"})
      CPPUNIT_ASSERT_MESSAGE(bad, dmarc::mailto_addresses(bad).empty());
  }

  // RFC 9990 §4: a destination within the policy domain's Organizational Domain needs
  // no authorization; only mailto: is used.
  void report_destinations_inside_the_org_domain() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=none");
    Evaluator ev(dns);
    auto d = dmarc::report_destinations(
        ev, dns, "news.example.com",
        {"mailto:agg@example.com", "https://r.example.com/", "mailto:agg@example.com"});
    CPPUNIT_ASSERT(!d.temperror);
    CPPUNIT_ASSERT(std::vector<std::string>{"agg@example.com"} == d.addresses);
    CPPUNIT_ASSERT_EQUAL(size_t(1), d.refused.size());
    for (const auto& q : dns.log())
      CPPUNIT_ASSERT_MESSAGE(q, q.find("._report._dmarc.") == std::string::npos);
  }

  // RFC 9990 §4 steps 1-8: <policy domain>._report._dmarc.<host> with a record that
  // starts with v=DMARC1 authorizes; none (or only other TXT) refuses.
  void external_destination_needs_authorization() {
    dns::StaticResolver dns;
    dns.add_txt("example.com._report._dmarc.reports.example.net", "v=DMARC1");
    dns.add_txt("example.com._report._dmarc.unauth.example.org", "v=spf1 -all");
    Evaluator ev(dns);
    auto d =
        dmarc::report_destinations(ev, dns, "example.com",
                                   {"mailto:agg@reports.example.net",
                                    "mailto:x@unauth.example.org", "mailto:y@other.example"});
    CPPUNIT_ASSERT(!d.temperror);
    CPPUNIT_ASSERT(std::vector<std::string>{"agg@reports.example.net"} == d.addresses);
    CPPUNIT_ASSERT_EQUAL(size_t(2), d.refused.size());
    CPPUNIT_ASSERT(d.refused[0].find("x@unauth.example.org") != std::string::npos);
    CPPUNIT_ASSERT(d.refused[0].find("not authorized") != std::string::npos);
  }

  // RFC 9990 §4 step 9: a rua in the authorizing record replaces the address when it
  // names the same host; another host means neither is used.
  void external_authorization_may_replace_the_address() {
    dns::StaticResolver dns;
    dns.add_txt("example.com._report._dmarc.thirdparty.example",
                "v=DMARC1; rua=mailto:new@thirdparty.example");
    dns.add_txt("example.com._report._dmarc.loop.example",
                "v=DMARC1; rua=mailto:victim@elsewhere.example");
    Evaluator ev(dns);
    auto d = dmarc::report_destinations(
        ev, dns, "example.com", {"mailto:old@thirdparty.example", "mailto:r@loop.example"});
    CPPUNIT_ASSERT(std::vector<std::string>{"new@thirdparty.example"} == d.addresses);
    CPPUNIT_ASSERT_EQUAL(size_t(1), d.refused.size());
    CPPUNIT_ASSERT(d.refused[0].find("another host") != std::string::npos);
  }

  // RFC 9990 §4 step 5: a temporary DNS error may be retried later: nothing is sent.
  void external_check_dns_trouble_is_temperror() {
    dns::StaticResolver dns;
    dns.fail("example.com._report._dmarc.reports.example.net", dns::Status::kTempError);
    Evaluator ev(dns);
    auto d = dmarc::report_destinations(
        ev, dns, "example.com", {"mailto:a@example.com", "mailto:agg@reports.example.net"});
    CPPUNIT_ASSERT(d.temperror && d.addresses.empty());
    dns::StaticResolver down;
    down.fail("_dmarc.example.com", dns::Status::kTempError);
    Evaluator ev2(down);
    CPPUNIT_ASSERT(
        dmarc::report_destinations(ev2, down, "example.com", {"mailto:a@example.com"})
            .temperror);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DmarcTest);
