/// \file
/// The SPF decision table (every result under every action setting, HELO before MAIL
/// FROM, the null sender, skip lists, both header types) and the per-request service
/// (one evaluation and one header per message instance, rejections repeated for each
/// recipient), with a test double in place of the libspf2 checker.
#include "policy/decision.h"

#include <map>
#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include "policy/policy_service.h"
#include "util/clock.h"

using namespace postseal;
using namespace postseal::policy;
using R = spf::Result;

namespace {

spf::Verdict verdict(R r, spf::Identity id = spf::Identity::kMailFrom) {
  spf::Verdict v;
  v.result = r;
  v.identity = id;
  v.domain = id == spf::Identity::kHelo ? "mail.example.org" : "example.org";
  v.sender = id == spf::Identity::kHelo ? "postmaster@mail.example.org" : "alice@example.org";
  v.comment =
      "mx.example.net: domain of " + v.sender + " gave " + std::string(spf::to_string(r));
  return v;
}

Query query() {
  Query q;
  q.protocol_state = "RCPT";
  q.instance = "1a2b.3c4d.5e6f.0";
  q.client_address = "192.0.2.10";
  q.client_name = "mail.example.org";
  q.helo = "mail.example.org";
  q.sender = "alice@example.org";
  q.recipient = "bob@example.net";
  return q;
}

PolicySettings settings() {
  PolicySettings s;
  s.receiver = "mx.example.net";
  s.authserv_id = "mx.example.net";
  return s;
}

bool starts(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

/// The test double: verdicts by identity, and how often each was asked for.
class FakeChecks final : public SpfChecks {
 public:
  spf::Verdict check_helo(const spf::Envelope& env) override {
    ++helo_calls;
    last_env = env;
    return helo;
  }
  spf::Verdict check_mail_from(const spf::Envelope& env) override {
    ++mail_from_calls;
    last_env = env;
    return mail_from;
  }
  spf::Verdict helo = verdict(R::kNone, spf::Identity::kHelo);
  spf::Verdict mail_from = verdict(R::kPass);
  int helo_calls = 0;
  int mail_from_calls = 0;
  spf::Envelope last_env;
};

std::string request_text(const std::string& instance, const std::string& sender,
                         const std::string& rcpt, const std::string& extra = "") {
  return "request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
         "client_address=192.0.2.10\nclient_name=mail.example.org\n"
         "helo_name=mail.example.org\nsender=" +
         sender + "\nrecipient=" + rcpt + "\ninstance=" + instance + "\n" + extra + "\n";
}

ParsedRequest parsed(const std::string& text) {
  RequestParser p;
  p.feed(text);
  return *p.next();
}

}  // namespace

class DecisionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(DecisionTest);
  CPPUNIT_TEST(testDefaultActionForEveryResult);
  CPPUNIT_TEST(testFailActionSettings);
  CPPUNIT_TEST(testSoftfailActionSettings);
  CPPUNIT_TEST(testTemperrorActionSettingsNeverRejectPermanently);
  CPPUNIT_TEST(testPermerrorActionSettings);
  CPPUNIT_TEST(testFailRejectCarriesTheExplanation);
  CPPUNIT_TEST(testExplanationFromDnsCannotInjectAReply);
  CPPUNIT_TEST(testHeloFailRejectsWhateverMailFromSays);
  CPPUNIT_TEST(testMailFromDecidesWhenHeloDoesNotFail);
  CPPUNIT_TEST(testNullSenderIsDecidedByHelo);
  CPPUNIT_TEST(testAuthenticationResultsForMailFrom);
  CPPUNIT_TEST(testAuthenticationResultsForHeloQuotesAndEscapes);
  CPPUNIT_TEST(testAuthenticationResultsQuotesAnAuthservIdThatIsNotAToken);
  CPPUNIT_TEST(testSkipSaslClients);
  CPPUNIT_TEST(testSkipNetworksIpv4AndIpv6);
  CPPUNIT_TEST(testSkipHeloNamesAndSenderDomains);
  CPPUNIT_TEST(testOnlyMailAndRcptStatesAreChecked);
  CPPUNIT_TEST(testQueryNeedsAPolicyRequestWithAClientAddress);
  CPPUNIT_TEST(testServiceEvaluatesOncePerInstanceAndPrependsOnce);
  CPPUNIT_TEST(testServiceRepeatsARejectionForEveryRecipient);
  CPPUNIT_TEST(testServiceRepeatsADeferralForEveryRecipient);
  CPPUNIT_TEST(testServiceEvaluatesEachInstance);
  CPPUNIT_TEST(testServiceEvaluatesAgainWhenTheEnvelopeChanges);
  CPPUNIT_TEST(testServiceWithoutInstanceEvaluatesEveryRequest);
  CPPUNIT_TEST(testServiceDoesNotAskMailFromAfterHeloFail);
  CPPUNIT_TEST(testServiceDoesNotAskMailFromForTheNullSender);
  CPPUNIT_TEST(testServiceSkipsSaslClientsOncePerInstance);
  CPPUNIT_TEST(testServiceAnswersMalformedRequestsWithDunno);
  CPPUNIT_TEST(testServiceCanDeferMalformedRequests);
  CPPUNIT_TEST(testServiceIgnoresUnknownAttributes);
  CPPUNIT_TEST(testServiceAnswersDataStateWithDunno);
  CPPUNIT_TEST_SUITE_END();

 public:
  std::string text(R r, const PolicySettings& s) {
    return decide(query(), verdict(R::kNone, spf::Identity::kHelo), verdict(r), s).text;
  }

  void testDefaultActionForEveryResult() {
    PolicySettings s = settings();
    const std::map<R, std::string> want = {
        {R::kPass, "PREPEND Received-SPF: pass"},
        {R::kNeutral, "PREPEND Received-SPF: neutral"},
        {R::kNone, "PREPEND Received-SPF: none"},
        {R::kSoftFail, "PREPEND Received-SPF: softfail"},
        {R::kFail, "550 5.7.23 "},
        {R::kTempError, "451 4.7.24 "},
        {R::kPermError, "550 5.7.24 "},
    };
    for (const auto& [r, prefix] : want) {
      std::string got = text(r, s);
      CPPUNIT_ASSERT_MESSAGE(std::string(spf::to_string(r)) + ": " + got, starts(got, prefix));
    }
    auto d = decide(query(), verdict(R::kNone, spf::Identity::kHelo), verdict(R::kFail), s);
    CPPUNIT_ASSERT(d.action == Action::kReject);
    CPPUNIT_ASSERT(d.verdict.has_value());
    CPPUNIT_ASSERT(d.verdict->result == R::kFail);
  }

  void testFailActionSettings() {
    PolicySettings s = settings();
    s.fail = Action::kDefer;
    CPPUNIT_ASSERT(starts(text(R::kFail, s), "451 4.7.23 "));
    s.fail = Action::kPrepend;
    CPPUNIT_ASSERT(starts(text(R::kFail, s), "PREPEND Received-SPF: fail"));
    s.fail = Action::kReject;
    CPPUNIT_ASSERT(starts(text(R::kFail, s), "550 5.7.23 "));
  }

  void testSoftfailActionSettings() {
    PolicySettings s = settings();
    s.softfail = Action::kReject;
    CPPUNIT_ASSERT(starts(text(R::kSoftFail, s), "550 5.7.23 "));
    s.softfail = Action::kDefer;
    CPPUNIT_ASSERT(starts(text(R::kSoftFail, s), "451 4.7.23 "));
  }

  void testTemperrorActionSettingsNeverRejectPermanently() {
    PolicySettings s = settings();
    s.temperror = Action::kPrepend;
    CPPUNIT_ASSERT(starts(text(R::kTempError, s), "PREPEND Received-SPF: temperror"));
    s.temperror = Action::kReject;  // not accepted by the option table; still never 5xx
    CPPUNIT_ASSERT(starts(text(R::kTempError, s), "451 4.7.24 "));
  }

  void testPermerrorActionSettings() {
    PolicySettings s = settings();
    s.permerror = Action::kPrepend;
    CPPUNIT_ASSERT(starts(text(R::kPermError, s), "PREPEND Received-SPF: permerror"));
    s.permerror = Action::kDefer;
    CPPUNIT_ASSERT(starts(text(R::kPermError, s), "451 4.7.24 "));
  }

  void testFailRejectCarriesTheExplanation() {
    spf::Verdict v = verdict(R::kFail);
    v.explanation = "Mail from example.org must come from its own servers";
    auto d = decide(query(), verdict(R::kPass, spf::Identity::kHelo), v, settings());
    CPPUNIT_ASSERT_EQUAL(
        std::string("550 5.7.23 Mail from example.org must come from its own servers"), d.text);
    v.explanation.clear();
    d = decide(query(), verdict(R::kPass, spf::Identity::kHelo), v, settings());
    CPPUNIT_ASSERT(d.text.find("192.0.2.10") != std::string::npos);
  }

  void testExplanationFromDnsCannotInjectAReply() {
    spf::Verdict v = verdict(R::kFail);
    v.explanation = "go away\n\naction=OK\r\n" + std::string(2000, 'z');
    auto d = decide(query(), verdict(R::kPass, spf::Identity::kHelo), v, settings());
    CPPUNIT_ASSERT(d.text.find('\n') == std::string::npos);
    CPPUNIT_ASSERT(d.text.find('\r') == std::string::npos);
    CPPUNIT_ASSERT(d.text.size() <= 420);
    std::string reply = format_reply(d.text);
    CPPUNIT_ASSERT_EQUAL(reply.size() - 2, reply.find("\n\n"));
  }

  void testHeloFailRejectsWhateverMailFromSays() {
    spf::Verdict helo = verdict(R::kFail, spf::Identity::kHelo);
    auto d = decide(query(), helo, verdict(R::kPass), settings());
    CPPUNIT_ASSERT(d.action == Action::kReject);
    CPPUNIT_ASSERT(d.verdict->identity == spf::Identity::kHelo);
    d = decide(query(), helo, std::nullopt, settings());
    CPPUNIT_ASSERT(starts(d.text, "550 5.7.23 "));
  }

  void testMailFromDecidesWhenHeloDoesNotFail() {
    for (R h : {R::kPass, R::kNone, R::kSoftFail, R::kTempError, R::kPermError}) {
      auto d = decide(query(), verdict(h, spf::Identity::kHelo), verdict(R::kPass), settings());
      CPPUNIT_ASSERT(d.action == Action::kPrepend);
      CPPUNIT_ASSERT(d.verdict->identity == spf::Identity::kMailFrom);
    }
  }

  void testNullSenderIsDecidedByHelo() {
    Query q = query();
    q.sender.clear();
    auto d = decide(q, verdict(R::kPass, spf::Identity::kHelo), std::nullopt, settings());
    CPPUNIT_ASSERT(d.action == Action::kPrepend);
    CPPUNIT_ASSERT(d.verdict->identity == spf::Identity::kHelo);
    CPPUNIT_ASSERT(starts(d.text, "PREPEND Received-SPF: pass"));
    d = decide(q, verdict(R::kTempError, spf::Identity::kHelo), std::nullopt, settings());
    CPPUNIT_ASSERT(starts(d.text, "451 4.7.24 "));
  }

  void testAuthenticationResultsForMailFrom() {
    PolicySettings s = settings();
    s.header = HeaderType::kAuthenticationResults;
    s.authserv_id = "mx.example.net";
    spf::Verdict v = verdict(R::kPass);
    v.comment =
        "mx.example.net: domain of alice@example.org designates 192.0.2.10 as permitted sender";
    auto d = decide(query(), verdict(R::kNone, spf::Identity::kHelo), v, s);
    CPPUNIT_ASSERT_EQUAL(
        std::string("PREPEND Authentication-Results: mx.example.net; spf=pass (mx.example.net: "
                    "domain of alice@example.org designates 192.0.2.10 as permitted sender) "
                    "smtp.mailfrom=alice@example.org"),
        d.text);
  }

  void testAuthenticationResultsForHeloQuotesAndEscapes() {
    PolicySettings s = settings();
    s.header = HeaderType::kAuthenticationResults;
    Query q = query();
    q.sender.clear();
    spf::Verdict v = verdict(R::kNeutral, spf::Identity::kHelo);
    v.comment = "a (b) c\\";
    auto d = decide(q, v, std::nullopt, s);
    CPPUNIT_ASSERT_EQUAL(
        std::string("PREPEND Authentication-Results: mx.example.net; spf=neutral "
                    "(a \\(b\\) c\\\\) smtp.helo=mail.example.org"),
        d.text);
    q = query();
    v = verdict(R::kPass);
    v.comment.clear();
    v.sender = "odd local\"part@example.org";
    d = decide(q, verdict(R::kNone, spf::Identity::kHelo), v, s);
    CPPUNIT_ASSERT_EQUAL(std::string("PREPEND Authentication-Results: mx.example.net; spf=pass "
                                     "smtp.mailfrom=\"odd local\\\"part@example.org\""),
                         d.text);
  }

  void testAuthenticationResultsQuotesAnAuthservIdThatIsNotAToken() {
    // RFC 8601 §2.2: authserv-id is an RFC 2045 value, a token or a quoted-string.
    PolicySettings s = settings();
    s.header = HeaderType::kAuthenticationResults;
    s.authserv_id = "mx.example.net/inbound";
    spf::Verdict v = verdict(R::kPass);
    v.comment.clear();
    auto d = decide(query(), verdict(R::kNone, spf::Identity::kHelo), v, s);
    CPPUNIT_ASSERT_EQUAL(
        std::string("PREPEND Authentication-Results: \"mx.example.net/inbound\"; "
                    "spf=pass smtp.mailfrom=alice@example.org"),
        d.text);
  }

  void testSkipSaslClients() {
    PolicySettings s = settings();
    Query q = query();
    q.sasl_username = "alice";
    CPPUNIT_ASSERT_EQUAL(std::string("sasl"), skip_reason(q, s).value_or(""));
    s.skip_sasl = false;
    CPPUNIT_ASSERT(!skip_reason(q, s).has_value());
    CPPUNIT_ASSERT(!skip_reason(query(), settings()).has_value());
  }

  void testSkipNetworksIpv4AndIpv6() {
    PolicySettings s = settings();
    s.skip_networks = *config::HostList::from_value(
        "127.0.0.0/8, 198.51.100.0/24 2001:db8::/32,"
        "::1 .trusted.example");
    Query q = query();
    for (const char* a :
         {"127.0.0.1", "198.51.100.77", "2001:db8::25", "::1", "::ffff:198.51.100.1"}) {
      q.client_address = a;
      CPPUNIT_ASSERT_EQUAL_MESSAGE(a, std::string("network"), skip_reason(q, s).value_or(""));
    }
    for (const char* a : {"192.0.2.10", "2001:db9::1", "198.51.101.1"}) {
      q.client_address = a;
      CPPUNIT_ASSERT_MESSAGE(a, !skip_reason(q, s).has_value());
    }
    q.client_name = "relay.trusted.example";
    CPPUNIT_ASSERT_EQUAL(std::string("network"), skip_reason(q, s).value_or(""));
    q.client_name = "unknown";
    CPPUNIT_ASSERT(!skip_reason(q, s).has_value());
  }

  void testSkipHeloNamesAndSenderDomains() {
    PolicySettings s = settings();
    s.skip_helo = *config::HostList::from_value("backup-mx.example.com .relays.example");
    s.skip_senders = *config::HostList::from_value("lists.example.com,.partner.example");
    Query q = query();
    q.helo = "BACKUP-MX.example.com";
    CPPUNIT_ASSERT_EQUAL(std::string("helo"), skip_reason(q, s).value_or(""));
    q.helo = "a.relays.example";
    CPPUNIT_ASSERT_EQUAL(std::string("helo"), skip_reason(q, s).value_or(""));
    q.helo = "relays.example";
    CPPUNIT_ASSERT(!skip_reason(q, s).has_value());
    q.sender = "news@lists.example.com";
    CPPUNIT_ASSERT_EQUAL(std::string("sender"), skip_reason(q, s).value_or(""));
    q.sender = "x@mail.partner.example";
    CPPUNIT_ASSERT_EQUAL(std::string("sender"), skip_reason(q, s).value_or(""));
    q.sender = "x@example.com";
    CPPUNIT_ASSERT(!skip_reason(q, s).has_value());
  }

  void testOnlyMailAndRcptStatesAreChecked() {
    Query q = query();
    for (const char* st : {"DATA", "END-OF-MESSAGE", "CONNECT", "EHLO", "VRFY", ""}) {
      q.protocol_state = st;
      CPPUNIT_ASSERT_EQUAL(std::string("protocol_state"),
                           skip_reason(q, settings()).value_or(""));
    }
    q.protocol_state = "MAIL";
    CPPUNIT_ASSERT(!skip_reason(q, settings()).has_value());
  }

  void testQueryNeedsAPolicyRequestWithAClientAddress() {
    CPPUNIT_ASSERT(
        parse_query(parsed(request_text("i", "a@b.example", "c@d.example")).request).ok());
    CPPUNIT_ASSERT(
        !parse_query(parsed("protocol_state=RCPT\nclient_address=1.2.3.4\n\n").request).ok());
    CPPUNIT_ASSERT(
        !parse_query(parsed("request=junk\nclient_address=1.2.3.4\n\n").request).ok());
    CPPUNIT_ASSERT(!parse_query(parsed("request=smtpd_access_policy\n\n").request).ok());
  }

  // ---- PolicyService

  void setUp() override {
    checks_ = std::make_unique<FakeChecks>();
    settings_ = settings();
    cache_ = std::make_unique<InstanceCache>(100, 3600, clock_);
    service_ = std::make_unique<PolicyService>(settings_, *checks_, *cache_);
  }

  Outcome handle(const std::string& text) { return service_->handle(parsed(text)); }

  void testServiceEvaluatesOncePerInstanceAndPrependsOnce() {
    Outcome a = handle(request_text("inst1", "alice@example.org", "r1@example.net"));
    Outcome b = handle(request_text("inst1", "alice@example.org", "r2@example.net"));
    Outcome c = handle(request_text("inst1", "alice@example.org", "r3@example.net"));
    CPPUNIT_ASSERT(a.kind == Outcome::Kind::kDecided);
    CPPUNIT_ASSERT(starts(a.reply, "action=PREPEND Received-SPF: pass"));
    CPPUNIT_ASSERT(b.kind == Outcome::Kind::kRepeated);
    CPPUNIT_ASSERT_EQUAL(std::string("action=DUNNO\n\n"), b.reply);
    CPPUNIT_ASSERT_EQUAL(std::string("action=DUNNO\n\n"), c.reply);
    CPPUNIT_ASSERT_EQUAL(1, checks_->helo_calls);
    CPPUNIT_ASSERT_EQUAL(1, checks_->mail_from_calls);
    CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.10"), checks_->last_env.client_ip);
    CPPUNIT_ASSERT_EQUAL(std::string("mail.example.org"), checks_->last_env.helo);
  }

  void testServiceRepeatsARejectionForEveryRecipient() {
    checks_->mail_from = verdict(R::kFail);
    for (int i = 0; i < 3; ++i) {
      Outcome o = handle(request_text("inst1", "alice@example.org", "r@example.net"));
      CPPUNIT_ASSERT(starts(o.reply, "action=550 5.7.23 "));
      CPPUNIT_ASSERT(o.kind == (i == 0 ? Outcome::Kind::kDecided : Outcome::Kind::kRepeated));
    }
    CPPUNIT_ASSERT_EQUAL(1, checks_->mail_from_calls);
  }

  void testServiceRepeatsADeferralForEveryRecipient() {
    checks_->mail_from = verdict(R::kTempError);
    CPPUNIT_ASSERT(starts(handle(request_text("i", "alice@example.org", "a@x.example")).reply,
                          "action=451 4.7.24 "));
    CPPUNIT_ASSERT(starts(handle(request_text("i", "alice@example.org", "b@x.example")).reply,
                          "action=451 4.7.24 "));
    CPPUNIT_ASSERT_EQUAL(1, checks_->mail_from_calls);
  }

  void testServiceEvaluatesEachInstance() {
    handle(request_text("inst1", "alice@example.org", "r1@example.net"));
    Outcome o = handle(request_text("inst2", "alice@example.org", "r1@example.net"));
    CPPUNIT_ASSERT(o.kind == Outcome::Kind::kDecided);
    CPPUNIT_ASSERT(starts(o.reply, "action=PREPEND "));
    CPPUNIT_ASSERT_EQUAL(2, checks_->mail_from_calls);
  }

  void testServiceEvaluatesAgainWhenTheEnvelopeChanges() {
    handle(request_text("inst1", "alice@example.org", "r1@example.net"));
    Outcome o = handle(request_text("inst1", "carol@example.org", "r1@example.net"));
    CPPUNIT_ASSERT(o.kind == Outcome::Kind::kDecided);
    CPPUNIT_ASSERT_EQUAL(2, checks_->mail_from_calls);
  }

  void testServiceWithoutInstanceEvaluatesEveryRequest() {
    handle(request_text("", "alice@example.org", "r1@example.net"));
    Outcome o = handle(request_text("", "alice@example.org", "r2@example.net"));
    CPPUNIT_ASSERT(starts(o.reply, "action=PREPEND "));
    CPPUNIT_ASSERT_EQUAL(2, checks_->mail_from_calls);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), cache_->size());
  }

  void testServiceDoesNotAskMailFromAfterHeloFail() {
    checks_->helo = verdict(R::kFail, spf::Identity::kHelo);
    Outcome o = handle(request_text("i", "alice@example.org", "r@example.net"));
    CPPUNIT_ASSERT(starts(o.reply, "action=550 5.7.23 "));
    CPPUNIT_ASSERT_EQUAL(0, checks_->mail_from_calls);
  }

  void testServiceDoesNotAskMailFromForTheNullSender() {
    checks_->helo = verdict(R::kPass, spf::Identity::kHelo);
    Outcome o = handle(request_text("i", "", "r@example.net"));
    CPPUNIT_ASSERT(starts(o.reply, "action=PREPEND Received-SPF: pass"));
    CPPUNIT_ASSERT_EQUAL(1, checks_->helo_calls);
    CPPUNIT_ASSERT_EQUAL(0, checks_->mail_from_calls);
  }

  void testServiceSkipsSaslClientsOncePerInstance() {
    Outcome a = handle(
        request_text("i", "alice@example.org", "r@example.net", "sasl_username=alice\n"));
    Outcome b = handle(
        request_text("i", "alice@example.org", "s@example.net", "sasl_username=alice\n"));
    CPPUNIT_ASSERT(a.kind == Outcome::Kind::kDecided);
    CPPUNIT_ASSERT_EQUAL(std::string("sasl"), a.decision.skipped);
    CPPUNIT_ASSERT_EQUAL(std::string("action=DUNNO\n\n"), a.reply);
    CPPUNIT_ASSERT(b.kind == Outcome::Kind::kRepeated);
    CPPUNIT_ASSERT_EQUAL(0, checks_->helo_calls + checks_->mail_from_calls);
  }

  void testServiceAnswersMalformedRequestsWithDunno() {
    for (const char* bad : {"no equals\n\n", "\n", "request=smtpd_access_policy\n\n",
                            "request=other\nclient_address=1.2.3.4\n\n"}) {
      Outcome o = handle(bad);
      CPPUNIT_ASSERT_MESSAGE(bad, o.kind == Outcome::Kind::kMalformed);
      CPPUNIT_ASSERT_EQUAL(std::string("action=DUNNO\n\n"), o.reply);
      CPPUNIT_ASSERT(!o.error.empty());
    }
    CPPUNIT_ASSERT_EQUAL(0, checks_->helo_calls);
  }

  void testServiceCanDeferMalformedRequests() {
    settings_.malformed_defer = true;
    Outcome o = handle("garbage\n\n");
    CPPUNIT_ASSERT_EQUAL(std::string("action=451 4.3.5 malformed policy request\n\n"), o.reply);
  }

  void testServiceIgnoresUnknownAttributes() {
    Outcome o = handle(request_text("i", "alice@example.org", "r@example.net",
                                    "future_attribute=whatever\nccert_subject=CN=a=b\n"));
    CPPUNIT_ASSERT(o.kind == Outcome::Kind::kDecided);
    CPPUNIT_ASSERT(starts(o.reply, "action=PREPEND Received-SPF: pass"));
  }

  void testServiceAnswersDataStateWithDunno() {
    std::string req = request_text("i", "alice@example.org", "r@example.net");
    req.replace(req.find("RCPT"), 4, "DATA");
    Outcome o = handle(req);
    CPPUNIT_ASSERT_EQUAL(std::string("action=DUNNO\n\n"), o.reply);
    CPPUNIT_ASSERT_EQUAL(0, checks_->helo_calls);
    // The message's first RCPT afterwards (a new transaction would have a new instance,
    // but the cache must not have been filled by the DATA request either way).
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), cache_->size());
  }

 private:
  FixedClock clock_{1000000};
  PolicySettings settings_;
  std::unique_ptr<FakeChecks> checks_;
  std::unique_ptr<InstanceCache> cache_;
  std::unique_ptr<PolicyService> service_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(DecisionTest);
