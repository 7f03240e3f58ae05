/// \file
/// The message session: plans per client, signing only, verifying only, both on one
/// message, the header rewrite (RFC 8601 §5: our authserv-id removed, others kept), the
/// spool spilling to a file, and each disposition. DNS is the in-memory StaticResolver.
#include "session/session.h"

#include <memory>
#include <string>

#include <boost/program_options.hpp>
#include <cppunit/extensions/HelperMacros.h>

#include "config/host_list.h"
#include "dkim/key.h"
#include "dns/static_resolver.h"
#include "session/settings.h"
#include "session/spool.h"
#include "util/errors.h"

using namespace postseal;
using session::Disposition;
using session::Mode;
using session::Plan;
using session::Session;
using session::Setup;
using session::SignVerdict;

namespace {

constexpr int64_t kNow = 1700000000;
const char kAuthservId[] = "mx.example.org";

const char kMessage[] =
    "From: Joe <joe@example.com>\n"
    "To: Suzie <suzie@example.org>\n"
    "Subject: dinner\n"
    "\n"
    "Hi.\n\nWe lost the game.  Are you hungry yet?\n";

std::shared_ptr<const dkim::PrivateKey> seed_key() {
  auto k = dkim::PrivateKey::parse("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=");
  CPPUNIT_ASSERT(k.ok());
  return std::make_shared<const dkim::PrivateKey>(*k);
}

// A Setup that signs example.com mail with `key` as s=sel and verifies through `dns`.
Setup make_setup(dns::StaticResolver& dns, std::shared_ptr<const dkim::PrivateKey> key) {
  Setup s;
  s.keys = [key](const std::string& author) {
    std::vector<config::SigningKey> out;
    if (author.ends_with("@example.com"))
      out.push_back(config::SigningKey{"example.com", "sel", key});
    return out;
  };
  s.authserv_id = kAuthservId;
  s.resolver = &dns;
  return s;
}

struct Run {
  Disposition disposition;
  std::string code;
  session::Verdicts verdicts;
  std::string output;
};

// Feeds `msg` in chunks of `chunk` bytes (so boundaries fall everywhere).
Run run(const Setup& setup, Plan plan, std::string_view msg, size_t chunk = 7) {
  Session s(setup, std::move(plan), kNow);
  for (size_t i = 0; i < msg.size(); i += chunk) s.feed(msg.substr(i, chunk));
  s.finish();
  Run r{s.disposition(), s.status_code(), s.verdicts(), ""};
  if (r.disposition == Disposition::kAccept)
    s.write_to([&](std::string_view d) { r.output.append(d); });
  return r;
}

// Folding (a line ending before a space or tab) undone, as RFC 5322 §2.2.3 reads it.
std::string unfolded(std::string s) {
  for (size_t p;
       (p = s.find("\n\t")) != std::string::npos || (p = s.find("\n ")) != std::string::npos;)
    s.replace(p, 2, " ");
  return s;
}

std::string body_of(const std::string& msg) {
  auto p = msg.find("\n\n");
  CPPUNIT_ASSERT(p != std::string::npos);
  return msg.substr(p + 2);
}

const Plan kSign{true, false, ""};
const Plan kVerify{false, true, ""};

}  // namespace

class SessionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SessionTest);
  CPPUNIT_TEST(plans);
  CPPUNIT_TEST(sign_only);
  CPPUNIT_TEST(verify_only_signed_message);
  CPPUNIT_TEST(verify_only_unsigned_message_is_dkim_none);
  CPPUNIT_TEST(forged_authres_removed_others_kept);
  CPPUNIT_TEST(sign_and_verify_on_one_message);
  CPPUNIT_TEST(tampered_body_fails);
  CPPUNIT_TEST(dns_trouble_is_temperror_and_accepted);
  CPPUNIT_TEST(spool_keeps_bytes_in_memory_then_in_a_file);
  CPPUNIT_TEST(spool_spills_to_a_file);
  CPPUNIT_TEST(crlf_message_keeps_crlf);
  CPPUNIT_TEST(unsignable_passes_or_tempfails);
  CPPUNIT_TEST(not_ours_passes_unsigned);
  CPPUNIT_TEST(spool_error_tempfails);
  CPPUNIT_TEST(malformed_header_verified_as_permerror_unchanged);
  CPPUNIT_TEST(neither_passes_untouched);
  CPPUNIT_TEST(our_own_authres_above_received_stays);
  CPPUNIT_TEST(dmarc_pass_by_aligned_dkim);
  CPPUNIT_TEST(dmarc_fail_carries_policy);
  CPPUNIT_TEST(dmarc_spf_from_trusted_field_only);
  CPPUNIT_TEST(dmarc_without_single_author_is_permerror);
  CPPUNIT_TEST(received_spf_parsing);
  CPPUNIT_TEST(dns_lookup_limit_makes_later_lookups_temperror);
  CPPUNIT_TEST(header_limits_come_from_the_setup);
  CPPUNIT_TEST(limits_come_from_the_options);
  CPPUNIT_TEST_SUITE_END();

 public:
  void plans() {
    Setup s;
    session::Client local{"", "", ""};
    session::Client loop{"127.0.0.1", "localhost", ""};
    session::Client outside{"192.0.2.10", "mail.example.net", ""};
    session::Client sasl{"192.0.2.10", "mail.example.net", "joe"};
    s.mode = Mode::kSign;  // internal-hosts empty: every client is ours (a signing filter)
    CPPUNIT_ASSERT(session::plan_for(s, outside).sign);
    CPPUNIT_ASSERT(!session::plan_for(s, outside).verify);
    s.mode = Mode::kAuto;  // internal-hosts empty: loopback, local and SASL are ours
    CPPUNIT_ASSERT(session::plan_for(s, local).sign);
    CPPUNIT_ASSERT(session::plan_for(s, loop).sign);
    CPPUNIT_ASSERT(session::plan_for(s, sasl).sign);
    Plan p = session::plan_for(s, outside);
    CPPUNIT_ASSERT(!p.sign && p.verify);
    s.mode = Mode::kVerify;
    p = session::plan_for(s, sasl);
    CPPUNIT_ASSERT(!p.sign && p.verify);
    s.mode = Mode::kSign;
    auto hosts = config::HostList::from_value("10.0.0.0/8");
    CPPUNIT_ASSERT(hosts.ok());
    s.internal_hosts = *hosts;
    p = session::plan_for(s, outside);
    CPPUNIT_ASSERT(!p.sign && !p.verify);
    CPPUNIT_ASSERT_EQUAL(std::string("client 192.0.2.10 is not internal"), p.reason);
    CPPUNIT_ASSERT(session::plan_for(s, session::Client{"10.1.2.3", "", ""}).sign);
    CPPUNIT_ASSERT(session::plan_for(s, sasl).sign);
    s.mode = Mode::kAuto;
    CPPUNIT_ASSERT(!session::plan_for(s, loop).sign);  // listed hosts replace loopback
    CPPUNIT_ASSERT(session::plan_for(s, loop).verify);
    CPPUNIT_ASSERT(session::parse_mode("AUTO") == Mode::kAuto);
    CPPUNIT_ASSERT(!session::parse_mode("sv"));
  }

  void sign_only() {
    dns::StaticResolver dns;
    auto key = seed_key();
    Run r = run(make_setup(dns, key), kSign, kMessage);
    CPPUNIT_ASSERT(r.disposition == Disposition::kAccept);
    CPPUNIT_ASSERT(r.verdicts.sign.kind == SignVerdict::Kind::kSigned);
    CPPUNIT_ASSERT_EQUAL(std::string("joe@example.com"), r.verdicts.author);
    CPPUNIT_ASSERT(!r.verdicts.verified);
    CPPUNIT_ASSERT(r.output.starts_with("DKIM-Signature: v=1; a=ed25519-sha256;"));
    CPPUNIT_ASSERT(r.output.find("Authentication-Results") == std::string::npos);
    // The received message follows the new field byte for byte.
    CPPUNIT_ASSERT(r.output.ends_with(kMessage));
  }

  void verify_only_signed_message() {
    dns::StaticResolver dns;
    auto key = seed_key();
    dns.add_txt("sel._domainkey.example.com", key->public_record());
    Setup setup = make_setup(dns, key);
    Run signed_ = run(setup, kSign, kMessage);
    Run r = run(setup, kVerify, signed_.output, 13);
    CPPUNIT_ASSERT(r.disposition == Disposition::kAccept);
    CPPUNIT_ASSERT(r.verdicts.verified);
    CPPUNIT_ASSERT_EQUAL(size_t(1), r.verdicts.dkim.size());
    CPPUNIT_ASSERT(r.verdicts.dkim[0].verdict == dkim::Verdict::kPass);
    // One A-R with our authserv-id on top, header.d/s/b (RFC 8601 §2.7.1, RFC 6008).
    CPPUNIT_ASSERT(r.output.starts_with("Authentication-Results: mx.example.org;"));
    auto end = r.output.find("\nDKIM-Signature:");
    CPPUNIT_ASSERT(end != std::string::npos);
    std::string ar = r.output.substr(0, end);
    CPPUNIT_ASSERT(ar.find("dkim=pass") != std::string::npos);
    CPPUNIT_ASSERT(ar.find("header.d=example.com") != std::string::npos);
    CPPUNIT_ASSERT(ar.find("header.s=sel") != std::string::npos);
    CPPUNIT_ASSERT(ar.find("header.b=") != std::string::npos);
    CPPUNIT_ASSERT(r.output.ends_with(signed_.output));
    CPPUNIT_ASSERT(r.verdicts.sign.kind == SignVerdict::Kind::kNotAsked);
  }

  void verify_only_unsigned_message_is_dkim_none() {
    dns::StaticResolver dns;
    Run r = run(make_setup(dns, seed_key()), kVerify, kMessage);
    CPPUNIT_ASSERT(r.verdicts.dkim.empty());
    CPPUNIT_ASSERT_EQUAL(
        "Authentication-Results: mx.example.org; dkim=none\n" + std::string(kMessage),
        r.output);
  }

  void forged_authres_removed_others_kept() {
    dns::StaticResolver dns;
    const std::string forged =
        "Authentication-Results: MX.Example.Org;\n dkim=pass header.d=bank.example\n";
    const std::string other = "Authentication-Results: relay.example.net; spf=pass\n";
    const std::string spf = "Received-SPF: pass (mx.example.org: 192.0.2.1 is allowed)\n";
    std::string msg = spf + forged + other + kMessage;
    Run r = run(make_setup(dns, seed_key()), kVerify, msg);
    CPPUNIT_ASSERT_EQUAL(size_t(1), r.verdicts.forged_removed);
    CPPUNIT_ASSERT(r.output.find("bank.example") == std::string::npos);
    CPPUNIT_ASSERT_EQUAL("Authentication-Results: mx.example.org; dkim=none\n" + spf + other +
                             std::string(kMessage),
                         r.output);
    // Signing alone does not judge earlier results: nothing is removed.
    Run s = run(make_setup(dns, seed_key()), kSign, msg);
    CPPUNIT_ASSERT_EQUAL(size_t(0), s.verdicts.forged_removed);
    CPPUNIT_ASSERT(s.output.ends_with(msg));
  }

  void sign_and_verify_on_one_message() {
    dns::StaticResolver dns;
    auto key = seed_key();
    dns.add_txt("sel._domainkey.example.com", key->public_record());
    Setup setup = make_setup(dns, key);
    Run first = run(setup, kSign, kMessage);
    const std::string forged = "Authentication-Results: mx.example.org; dkim=pass\n";
    Run both = run(setup, Plan{true, true, ""}, forged + first.output);
    CPPUNIT_ASSERT(both.disposition == Disposition::kAccept);
    CPPUNIT_ASSERT(both.verdicts.sign.kind == SignVerdict::Kind::kSigned);
    CPPUNIT_ASSERT_EQUAL(size_t(1), both.verdicts.dkim.size());
    CPPUNIT_ASSERT(both.verdicts.dkim[0].verdict == dkim::Verdict::kPass);
    CPPUNIT_ASSERT_EQUAL(size_t(1), both.verdicts.forged_removed);
    // New signature on top, then our A-R, then the message without the forged field.
    CPPUNIT_ASSERT(both.output.starts_with("DKIM-Signature:"));
    CPPUNIT_ASSERT(both.output.ends_with(first.output));
    CPPUNIT_ASSERT(both.output.find(forged) == std::string::npos);
    // Both signatures of the result verify.
    Run check = run(setup, kVerify, both.output);
    CPPUNIT_ASSERT_EQUAL(size_t(2), check.verdicts.dkim.size());
    for (const auto& d : check.verdicts.dkim) CPPUNIT_ASSERT(d.verdict == dkim::Verdict::kPass);
  }

  void tampered_body_fails() {
    dns::StaticResolver dns;
    auto key = seed_key();
    dns.add_txt("sel._domainkey.example.com", key->public_record());
    Setup setup = make_setup(dns, key);
    std::string out = run(setup, kSign, kMessage).output;
    out.replace(out.find("lost"), 4, "won!");
    Run r = run(setup, kVerify, out);
    CPPUNIT_ASSERT(r.verdicts.dkim.at(0).verdict == dkim::Verdict::kFail);
    CPPUNIT_ASSERT(r.output.find("dkim=fail") != std::string::npos);
    CPPUNIT_ASSERT(r.output.find("header.d=example.com") != std::string::npos);
  }

  void dns_trouble_is_temperror_and_accepted() {
    dns::StaticResolver dns;
    auto key = seed_key();
    Setup setup = make_setup(dns, key);
    std::string out = run(setup, kSign, kMessage).output;
    dns.fail("sel._domainkey.example.com", dns::Status::kTempError);
    Run r = run(setup, kVerify, out);
    CPPUNIT_ASSERT(r.disposition == Disposition::kAccept);
    CPPUNIT_ASSERT(r.verdicts.dkim.at(0).verdict == dkim::Verdict::kTempError);
    CPPUNIT_ASSERT(r.output.find("dkim=temperror") != std::string::npos);
    CPPUNIT_ASSERT(r.output.ends_with(out));
  }

  void spool_keeps_bytes_in_memory_then_in_a_file() {
    session::Spool spool(16);
    spool.append("0123456789");
    CPPUNIT_ASSERT(!spool.spilled());
    spool.append("abcdefghij");
    CPPUNIT_ASSERT(spool.spilled());
    std::string big(200000, 'x');
    spool.append(big);
    CPPUNIT_ASSERT_EQUAL(uint64_t(200020), spool.size());
    std::string all, tail;
    size_t chunks = 0;
    spool.copy_out(0, [&](std::string_view d) {
      all.append(d);
      ++chunks;
    });
    CPPUNIT_ASSERT_EQUAL("0123456789abcdefghij" + big, all);
    CPPUNIT_ASSERT(chunks >= 4);  // 64 KiB at a time, never the whole file at once
    spool.copy_out(15, [&](std::string_view d) { tail.append(d); });
    CPPUNIT_ASSERT_EQUAL("fghij" + big, tail);
  }

  void spool_spills_to_a_file() {
    dns::StaticResolver dns;
    auto key = seed_key();
    dns.add_txt("sel._domainkey.example.com", key->public_record());
    Setup setup = make_setup(dns, key);
    setup.spool_memory = 1000;
    std::string msg = kMessage;
    for (int i = 0; i < 20000; ++i) msg += "line " + std::to_string(i) + " of a long body  \n";
    {
      Session s(setup, kSign, kNow);
      s.feed(msg.substr(0, 500));
      s.feed(msg.substr(500));
      s.finish();
      std::string out;
      s.write_to([&](std::string_view d) { out.append(d); });
      CPPUNIT_ASSERT(out.ends_with(msg));
      CPPUNIT_ASSERT(s.verdicts().sign.kind == SignVerdict::Kind::kSigned);
    }
    Run signed_ = run(setup, kSign, msg, 4093);
    CPPUNIT_ASSERT(signed_.output.ends_with(msg));
    CPPUNIT_ASSERT_EQUAL(body_of(msg), body_of(signed_.output));
    Run r = run(setup, kVerify, signed_.output, 65536);
    CPPUNIT_ASSERT(r.verdicts.dkim.at(0).verdict == dkim::Verdict::kPass);
    CPPUNIT_ASSERT(r.output.ends_with(signed_.output));
  }

  void crlf_message_keeps_crlf() {
    dns::StaticResolver dns;
    auto key = seed_key();
    dns.add_txt("sel._domainkey.example.com", key->public_record());
    Setup setup = make_setup(dns, key);
    std::string crlf;
    for (char c : std::string(kMessage))
      crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    Run s = run(setup, kSign, crlf);
    CPPUNIT_ASSERT(s.output.ends_with(crlf));
    Run r = run(setup, kVerify, s.output);
    CPPUNIT_ASSERT(r.output.starts_with("Authentication-Results: mx.example.org;"));
    std::string added = r.output.substr(0, r.output.size() - s.output.size());
    CPPUNIT_ASSERT(added.ends_with("\r\n"));
    CPPUNIT_ASSERT(r.verdicts.dkim.at(0).verdict == dkim::Verdict::kPass);
  }

  void unsignable_passes_or_tempfails() {
    dns::StaticResolver dns;
    Setup setup = make_setup(dns, seed_key());
    const std::string no_from = "To: a@example.org\nSubject: x\n\nbody\n";
    Run r = run(setup, kSign, no_from);
    CPPUNIT_ASSERT(r.disposition == Disposition::kAccept);
    CPPUNIT_ASSERT(r.verdicts.sign.kind == SignVerdict::Kind::kUnsignable);
    CPPUNIT_ASSERT_EQUAL(std::string("no From header field"), r.verdicts.sign.reason);
    CPPUNIT_ASSERT_EQUAL(no_from, r.output);
    setup.tempfail_unsignable = true;  // sign-failure-action = tempfail
    r = run(setup, kSign, no_from);
    CPPUNIT_ASSERT(r.disposition == Disposition::kTempFail);
    CPPUNIT_ASSERT_EQUAL(std::string("4.7.0"), r.code);
    r = run(setup, kSign, "From: a@example.com\nFrom: b@example.com\n\nx\n");
    CPPUNIT_ASSERT(r.disposition == Disposition::kTempFail);
    CPPUNIT_ASSERT_EQUAL(std::string("more than one From header field"),
                         r.verdicts.sign.reason);
  }

  void not_ours_passes_unsigned() {
    dns::StaticResolver dns;
    Setup setup = make_setup(dns, seed_key());
    setup.tempfail_unsignable = true;  // applies to mail we should sign, not to others'
    const std::string msg = "From: x@example.net\n\nbody\n";
    Run r = run(setup, kSign, msg);
    CPPUNIT_ASSERT(r.disposition == Disposition::kAccept);
    CPPUNIT_ASSERT(r.verdicts.sign.kind == SignVerdict::Kind::kNotOurs);
    CPPUNIT_ASSERT_EQUAL(msg, r.output);
  }

  void spool_error_tempfails() {
    dns::StaticResolver dns;
    Setup setup = make_setup(dns, seed_key());
    setup.spool_memory = 10;
    setup.spool_dir = "/nonexistent/postseal-spool";
    Session s(setup, kSign, kNow);
    s.feed(kMessage);
    s.feed("more");
    s.finish();
    CPPUNIT_ASSERT(s.disposition() == Disposition::kTempFail);
    CPPUNIT_ASSERT_EQUAL(std::string("4.3.0"), s.status_code());
    CPPUNIT_ASSERT(s.disposition_reason().find("/nonexistent/postseal-spool") !=
                   std::string::npos);
  }

  void malformed_header_verified_as_permerror_unchanged() {
    dns::StaticResolver dns;
    const std::string bad = "From: a@example.com\nthis is not a header field\n\nbody\n";
    Run r = run(make_setup(dns, seed_key()), kVerify, bad);
    CPPUNIT_ASSERT(r.disposition == Disposition::kAccept);
    CPPUNIT_ASSERT(!r.verdicts.header_error.empty());
    CPPUNIT_ASSERT(
        r.output.starts_with("Authentication-Results: mx.example.org; dkim=permerror"));
    CPPUNIT_ASSERT(r.output.ends_with(bad));
    Run s = run(make_setup(dns, seed_key()), kSign, bad);
    CPPUNIT_ASSERT(s.verdicts.sign.kind == SignVerdict::Kind::kUnsignable);
    CPPUNIT_ASSERT_EQUAL(bad, s.output);
  }

  void neither_passes_untouched() {
    dns::StaticResolver dns;
    const std::string msg =
        "Authentication-Results: mx.example.org; dkim=pass\n" + std::string(kMessage);
    Run r = run(make_setup(dns, seed_key()), Plan{false, false, "client x is not internal", {}},
                msg);
    CPPUNIT_ASSERT(r.disposition == Disposition::kAccept);
    CPPUNIT_ASSERT_EQUAL(msg, r.output);
  }

  // RFC 8601 §5 applies to fields that arrive with the message: those above the first
  // Received field were added by our own MTA (postseal-policyd's, through PREPEND).
  void our_own_authres_above_received_stays() {
    dns::StaticResolver dns;
    const std::string ours =
        "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=joe@example.com\n";
    const std::string received =
        "Received: from client.example.com by mx.example.org (Postfix)\n";
    const std::string forged =
        "Authentication-Results: mx.example.org; dkim=pass header.d=bank.example\n";
    std::string msg = ours + received + forged + kMessage;
    Run r = run(make_setup(dns, seed_key()), kVerify, msg);
    CPPUNIT_ASSERT_EQUAL(size_t(1), r.verdicts.forged_removed);
    CPPUNIT_ASSERT(r.output.find(ours + received + kMessage) != std::string::npos);
  }

  // RFC 9989 §4.10.2, §5.3.5: an aligned DKIM pass is a DMARC pass; the result goes in
  // the same field with header.from (§11.1).
  void dmarc_pass_by_aligned_dkim() {
    dns::StaticResolver dns;
    auto key = seed_key();
    dns.add_txt("sel._domainkey.example.com", key->public_record());
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
    Setup setup = make_setup(dns, key);
    setup.dmarc = true;
    std::string signed_ = run(setup, kSign, kMessage).output;
    Run r = run(setup, kVerify, signed_);
    CPPUNIT_ASSERT(r.verdicts.dmarc && r.verdicts.dmarc->result == dmarc::Result::kPass);
    std::string ar = r.output.substr(0, r.output.find("\nDKIM-Signature"));
    ar = unfolded(ar);
    CPPUNIT_ASSERT(ar.find("dmarc=pass (p=reject) header.from=example.com") !=
                   std::string::npos);
    CPPUNIT_ASSERT(ar.find("policy.dmarc") == std::string::npos);
  }

  // §4.7, §11.1: a fail names the policy in force and, as policy.dmarc, the
  // disposition after t=; the message is still accepted (no bounce after the queue).
  // dns-lookup-limit covers every lookup of one message: with a budget of one, the key
  // is fetched (dkim=pass) and the DMARC walk is not made (RFC 9989 §4.10: a DNS error
  // is temperror); the message is still accepted.
  void dns_lookup_limit_makes_later_lookups_temperror() {
    dns::StaticResolver dns;
    auto key = seed_key();
    Setup setup = make_setup(dns, key);
    dns.add_txt("sel._domainkey.example.com", key->public_record());
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
    std::string signed_msg = run(setup, kSign, kMessage).output;
    setup.dmarc = true;
    Run all = run(setup, kVerify, signed_msg);
    CPPUNIT_ASSERT(all.verdicts.dmarc && all.verdicts.dmarc->result == dmarc::Result::kPass);
    size_t before = dns.query_count();
    setup.dns_limits.max_queries = 1;
    Run r = run(setup, kVerify, signed_msg);
    CPPUNIT_ASSERT_EQUAL(before + 1, dns.query_count());
    CPPUNIT_ASSERT(r.disposition == Disposition::kAccept);
    CPPUNIT_ASSERT(r.verdicts.dkim.at(0).verdict == dkim::Verdict::kPass);
    CPPUNIT_ASSERT(r.verdicts.dmarc && r.verdicts.dmarc->result == dmarc::Result::kTempError);
    CPPUNIT_ASSERT_EQUAL(size_t(1), r.verdicts.dns_refused);
    CPPUNIT_ASSERT_EQUAL(std::string("dns-lookup-limit reached"), r.verdicts.dns_limit);
    CPPUNIT_ASSERT_EQUAL(size_t(0), all.verdicts.dns_refused);
    std::string out = unfolded(r.output);
    CPPUNIT_ASSERT(out.find("dkim=pass") != std::string::npos);
    CPPUNIT_ASSERT(out.find("dmarc=temperror") != std::string::npos);
    CPPUNIT_ASSERT(r.output.ends_with(signed_msg));
  }

  // max-header-fields and header-field-size-limit reach the parser through the Setup:
  // past them the header is not read, the message goes on unchanged under
  // dkim=permerror, and signing reports why it did not sign.
  void header_limits_come_from_the_setup() {
    dns::StaticResolver dns;
    Setup setup = make_setup(dns, seed_key());
    setup.limits.max_header_fields = 2;  // kMessage has three
    Run v = run(setup, kVerify, kMessage);
    CPPUNIT_ASSERT(v.disposition == Disposition::kAccept);
    CPPUNIT_ASSERT_EQUAL(std::string("more than 2 header fields"), v.verdicts.header_error);
    CPPUNIT_ASSERT(unfolded(v.output).find("dkim=permerror (header not checked: more than 2 "
                                           "header fields)") != std::string::npos);
    CPPUNIT_ASSERT(v.output.ends_with(kMessage));
    Run sg = run(setup, kSign, kMessage);
    CPPUNIT_ASSERT(sg.verdicts.sign.kind == SignVerdict::Kind::kUnsignable);
    CPPUNIT_ASSERT_EQUAL(std::string(kMessage), sg.output);
    setup.limits = mail::ParseLimits{};
    setup.limits.max_field_bytes = 29;  // From is 28 bytes, To 30
    Run f = run(setup, kVerify, kMessage);
    CPPUNIT_ASSERT_EQUAL(std::string("header field \"To\" longer than 29 bytes"),
                         f.verdicts.header_error);
    CPPUNIT_ASSERT(f.output.ends_with(kMessage));
  }

  // The option names in postseal.conf reach the Setup (filter_setup, parse_limits,
  // dns_limits), and the defaults are the documented ones.
  void limits_come_from_the_options() {
    namespace po = boost::program_options;
    auto load = [](const std::vector<std::string>& args) {
      po::options_description desc;
      config::Settings::describe(desc, config::kFilter);
      po::variables_map vm;
      po::store(po::command_line_parser(args).options(desc).run(), vm);
      po::notify(vm);
      return config::Settings::load(vm, "", config::kFilter);
    };
    config::KeyStore keys;
    Setup d = session::filter_setup(load({}), keys);
    CPPUNIT_ASSERT_EQUAL(size_t(1000), d.limits.max_header_fields);
    CPPUNIT_ASSERT_EQUAL(size_t(102400), d.limits.max_field_bytes);
    CPPUNIT_ASSERT_EQUAL(size_t(1048576), d.limits.max_header_bytes);
    CPPUNIT_ASSERT_EQUAL(size_t(250), d.dns_limits.max_queries);
    CPPUNIT_ASSERT_EQUAL(int64_t(60000), int64_t(d.dns_limits.time.count()));
    Setup s = session::filter_setup(
        load({"--max-header-fields=50", "--header-field-size-limit=2000",
              "--header-size-limit=9000", "--dns-lookup-limit=7", "--message-time-limit=21"}),
        keys);
    CPPUNIT_ASSERT_EQUAL(size_t(50), s.limits.max_header_fields);
    CPPUNIT_ASSERT_EQUAL(size_t(2000), s.limits.max_field_bytes);
    CPPUNIT_ASSERT_EQUAL(size_t(9000), s.limits.max_header_bytes);
    CPPUNIT_ASSERT_EQUAL(size_t(7), s.dns_limits.max_queries);
    CPPUNIT_ASSERT_EQUAL(int64_t(21000), int64_t(s.dns_limits.time.count()));
    bool refused = false;
    try {
      (void)load({"--max-header-fields=5"});
    } catch (const ConfigError& e) {
      refused = std::string(e.what()).find("max-header-fields") != std::string::npos;
    }
    CPPUNIT_ASSERT(refused);
  }

  void dmarc_fail_carries_policy() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; t=y");
    Setup setup = make_setup(dns, seed_key());
    setup.dmarc = true;
    Run r = run(setup, kVerify, kMessage);
    CPPUNIT_ASSERT(r.disposition == Disposition::kAccept);
    CPPUNIT_ASSERT(r.verdicts.dmarc->result == dmarc::Result::kFail);
    std::string out = unfolded(r.output);
    CPPUNIT_ASSERT(out.find("dkim=none; dmarc=fail (p=reject t=y) header.from=example.com "
                            "policy.dmarc=quarantine\n") != std::string::npos);
  }

  // The SPF result DMARC uses comes from postseal-policyd's Received-SPF with our
  // receiver=, above the first Received field; the same field from the sender is not
  // believed.
  void dmarc_spf_from_trusted_field_only() {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
    Setup setup = make_setup(dns, seed_key());
    setup.dmarc = true;
    setup.receiver = "mx.example.org";
    const std::string spf =
        "Received-SPF: pass (mx.example.org: domain of joe@bounce.example.com designates "
        "192.0.2.1 as permitted sender; really) client-ip=192.0.2.1; "
        "envelope-from=\"joe@bounce.example.com\"; helo=out.example.com; "
        "receiver=mx.example.org; identity=mailfrom;\n";
    const std::string received = "Received: from out.example.com by mx.example.org (Postfix)\n";
    Run trusted = run(setup, kVerify, spf + received + kMessage);
    CPPUNIT_ASSERT(trusted.verdicts.spf &&
                   trusted.verdicts.spf->domain == "bounce.example.com");
    CPPUNIT_ASSERT(trusted.verdicts.dmarc->result == dmarc::Result::kPass);
    CPPUNIT_ASSERT_EQUAL(std::string("spf bounce.example.com"),
                         trusted.verdicts.dmarc->aligned);
    Run forged = run(setup, kVerify, received + spf + kMessage);
    CPPUNIT_ASSERT(!forged.verdicts.spf);
    CPPUNIT_ASSERT(forged.verdicts.dmarc->result == dmarc::Result::kFail);
    setup.receiver = "other.example.org";  // another host's field is not ours either
    Run other = run(setup, kVerify, spf + received + kMessage);
    CPPUNIT_ASSERT(other.verdicts.dmarc->result == dmarc::Result::kFail);
  }

  // RFC 9989 §5.3.1: without exactly one Author Domain there is no DMARC validation.
  void dmarc_without_single_author_is_permerror() {
    dns::StaticResolver dns;
    Setup setup = make_setup(dns, seed_key());
    setup.dmarc = true;
    Run r = run(setup, kVerify, "From: a@example.com\nFrom: b@example.net\n\nbody\n");
    CPPUNIT_ASSERT(!r.verdicts.dmarc);
    CPPUNIT_ASSERT(
        unfolded(r.output).find("dmarc=permerror (more than one From header field)") !=
        std::string::npos);
  }

  void received_spf_parsing() {
    auto r = session::parse_received_spf(
        " SoftFail (mx: (nested; comment) x) client-ip=192.0.2.1; envelope-from=\"a "
        "b\"@example.com;"
        " helo=h.example; receiver=mx.example.org; identity=helo");
    CPPUNIT_ASSERT(r);
    CPPUNIT_ASSERT_EQUAL(std::string("softfail"), r->result);
    CPPUNIT_ASSERT_EQUAL(std::string("h.example"), r->helo);
    CPPUNIT_ASSERT_EQUAL(std::string("mx.example.org"), r->receiver);
    CPPUNIT_ASSERT_EQUAL(std::string("helo"), r->identity);
    CPPUNIT_ASSERT(!session::parse_received_spf("   "));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SessionTest);
