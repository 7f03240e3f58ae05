/// \file
/// The message session: spool, parse, sign and verify in one pass, header rewrite.
#include "session/session.h"

#include "authres/authres.h"
#include "mail/address.h"
#include "spf/spf.h"
#include "util/ascii.h"
#include "util/check.h"
#include "util/errors.h"

namespace postseal::session {
namespace {

bool is_loopback(std::string_view address) {
  return address.starts_with("127.") || address == "::1";
}

}  // namespace

std::optional<Mode> parse_mode(std::string_view word) {
  std::string w = ascii_lower(word);
  if (w == "sign") return Mode::kSign;
  if (w == "verify") return Mode::kVerify;
  if (w == "auto") return Mode::kAuto;
  return std::nullopt;
}

Plan plan_for(const Setup& setup, const Client& client) {
  Plan p;
  p.client = client;
  if (setup.mode == Mode::kVerify) {
    p.verify = true;
    return p;
  }
  bool internal = !client.sasl_username.empty() || client.address.empty();
  if (!internal) {
    if (!setup.internal_hosts.empty())
      internal = setup.internal_hosts.matches(client.address, client.hostname);
    else
      internal = setup.mode == Mode::kSign || is_loopback(client.address);
  }
  if (internal) {
    p.sign = true;
  } else if (setup.mode == Mode::kAuto) {
    p.verify = true;
  } else {
    p.reason = "client " + client.address + " is not internal";
  }
  return p;
}

Session::Session(const Setup& setup, Plan plan, int64_t now)
    : setup_(setup),
      plan_(std::move(plan)),
      now_(now),
      spool_(setup.spool_memory, setup.spool_dir),
      parser_(setup.limits) {
  POSTSEAL_CHECK(!plan_.verify || setup_.resolver != nullptr);
  if (plan_.verify) lookups_.emplace(*setup_.resolver, setup_.dns_limits);
  if (plan_.sign) verdicts_.sign.kind = SignVerdict::Kind::kUnsignable;
}

Session::~Session() = default;

void Session::fail(std::string code, std::string reason) {
  disposition_ = Disposition::kTempFail;
  status_code_ = std::move(code);
  reason_ = std::move(reason);
}

void Session::feed(std::string_view data) {
  POSTSEAL_CHECK(!finished_);
  if (failed_) return;
  try {
    spool_.append(data);
  } catch (const TempFailure& e) {
    failed_ = true;
    fail("4.3.0", e.what());
    return;
  }
  if (!verdicts_.header_error.empty()) return;
  if (parser_.headers_done()) {
    if (signer_) signer_->feed_body(data);
    if (verifier_) verifier_->feed_body(data);
    return;
  }
  auto body = parser_.feed(data);
  if (!body.ok()) {
    verdicts_.header_error = body.message();
    return;
  }
  if (parser_.headers_done()) {
    start();
    if (signer_) signer_->feed_body(*body);
    if (verifier_) verifier_->feed_body(*body);
  }
}

// The header block is complete: decide the author and start the signer and verifier,
// so every body byte after this goes straight into their hashes and is not kept.
void Session::start() {
  const auto& fields = parser_.headers();
  for (const auto& f : fields) body_offset_ += f.raw.size();
  body_offset_ += parser_.separator().size();
  removed_.assign(fields.size(), false);

  std::string author_error;
  size_t froms = mail::count_fields(fields, "From");
  if (froms != 1) {
    author_error = froms == 0 ? "no From header field" : "more than one From header field";
  } else {
    auto author = mail::single_author(mail::find_field(fields, "From")->value());
    if (author.ok())
      verdicts_.author = *author;
    else
      author_error = author.message();
  }

  if (plan_.verify) verifier_.emplace(fields, *lookups_, now_, setup_.verify);

  if (!plan_.sign) return;
  SignVerdict& sv = verdicts_.sign;
  if (!author_error.empty()) {
    sv.reason = author_error;
    return;
  }
  if (setup_.keys) sv.keys = setup_.keys(verdicts_.author);
  if (sv.keys.empty()) {
    sv.kind = SignVerdict::Kind::kNotOurs;
    sv.reason = "no key for the author domain";
    return;
  }
  std::vector<dkim::SignatureSpec> specs;
  for (const auto& k : sv.keys) {
    dkim::SignatureSpec s;
    s.domain = k.domain;
    s.selector = k.selector;
    s.key = k.key;
    s.header_canon = setup_.sign.header_canon;
    s.body_canon = setup_.sign.body_canon;
    s.identity = setup_.sign.identity;
    s.expire_after = setup_.sign.expire_after;
    s.body_length = setup_.sign.body_length;
    if (Status st = dkim::validate_spec(s); !st.ok()) {
      sv.reason = st.message();
      sv.keys.clear();
      return;
    }
    specs.push_back(std::move(s));
  }
  signer_.emplace(std::move(specs), setup_.sign.policy, now_);
}

void Session::finish() {
  POSTSEAL_CHECK(!finished_);
  finished_ = true;
  if (failed_) return;
  if (verdicts_.header_error.empty() && !parser_.headers_done()) {
    if (Status st = parser_.finish(); !st.ok())
      verdicts_.header_error = st.message();
    else
      start();
  }
  if (!verdicts_.header_error.empty()) {
    // Nothing can be signed or checked in a header block we cannot read; the message
    // goes on exactly as received, under our result when we were asked to verify.
    if (plan_.sign) verdicts_.sign.reason = "malformed header: " + verdicts_.header_error;
    if (plan_.verify) {
      verdicts_.verified = true;
      authres::AuthenticationResults ar;
      ar.authserv_id = setup_.authserv_id;
      ar.results.push_back(authres::ResultInfo{
          "dkim", "permerror", "", "header not checked: " + verdicts_.header_error, {}});
      added_ += authres::format_field(ar, mail::eol_bytes(parser_.line_ending()));
    }
  } else {
    // RFC 8601 §5: an Authentication-Results field that claims our authserv-id and
    // arrives with the message is forged; it goes before anything is signed. Fields
    // above the first Received field were added by our own MTA (postseal-policyd's,
    // through smtpd's PREPEND) and stay.
    if (plan_.verify) {
      size_t ours = first_received(parser_.headers());
      for (size_t i : authres::fields_claiming(parser_.headers(), setup_.authserv_id))
        if (i >= ours) {
          removed_[i] = true;
          ++verdicts_.forged_removed;
        }
    }
    if (plan_.sign) finish_sign();
    if (plan_.verify) finish_verify();
  }
  if (lookups_ && lookups_->refused() > 0) {
    verdicts_.dns_refused = lookups_->refused();
    verdicts_.dns_limit = lookups_->refusal();
  }
  if (plan_.sign && disposition_ == Disposition::kAccept &&
      verdicts_.sign.kind == SignVerdict::Kind::kUnsignable && setup_.tempfail_unsignable)
    fail("4.7.0",
         "message not signed: " + verdicts_.sign.reason + " (sign-failure-action = tempfail)");
}

void Session::finish_sign() {
  if (!signer_) return;
  std::vector<mail::HeaderField> kept;
  const auto& fields = parser_.headers();
  for (size_t i = 0; i < fields.size(); ++i)
    if (!removed_[i]) kept.push_back(fields[i]);
  auto sigs = signer_->finish(kept, parser_.line_ending());
  if (!sigs.ok()) {
    // start() checked the author and the specs, so this is a key or OpenSSL failure:
    // worth a retry, never a pass.
    verdicts_.sign.reason = sigs.message();
    verdicts_.sign.keys.clear();
    fail("4.3.0", "signing failed: " + sigs.message());
    return;
  }
  for (const auto& s : *sigs) added_ += s;
  verdicts_.sign.kind = SignVerdict::Kind::kSigned;
}

// One Authentication-Results field: dkim= per signature (RFC 8601 §2.7.1), dkim=none
// when there is none. DNS trouble is a temperror result, never a failed disposition.
void Session::finish_verify() {
  verdicts_.verified = true;
  verdicts_.dkim = verifier_->finish();
  authres::AuthenticationResults ar;
  ar.authserv_id = setup_.authserv_id;
  for (const auto& r : verdicts_.dkim) ar.results.push_back(authres::dkim_resinfo(r));
  if (ar.results.empty()) ar.results.push_back(authres::ResultInfo{"dkim", "none", "", "", {}});
  if (setup_.dmarc) evaluate_dmarc(ar);
  added_ += authres::format_field(ar, mail::eol_bytes(parser_.line_ending()));
}

// DMARC (RFC 9989 §5.3): the Author Domain, the SPF result our policy daemon recorded
// (or one computed here), every DKIM result, then the evaluation; the result goes into
// the same Authentication-Results field with header.from and policy.dmarc (§11.1).
void Session::evaluate_dmarc(authres::AuthenticationResults& ar) {
  const auto& fields = parser_.headers();
  size_t froms = mail::count_fields(fields, "From");
  // §5.3.1: the Author Domain is the domain of the From field's addresses; one From
  // field whose mailboxes all share one domain has one. Anything else (no From,
  // several From fields, mailboxes of different domains) allows no DMARC validation.
  std::string author = verdicts_.author;
  if (author.empty() && froms == 1) {
    auto all = mail::parse_address_list(mail::find_field(fields, "From")->value());
    if (all.ok() && !all->empty()) {
      std::string d = ascii_lower(mail::domain_of(all->front()));
      bool same = !d.empty();
      for (const auto& a : *all) same = same && ascii_lower(mail::domain_of(a)) == d;
      if (same) author = all->front();
    }
  }
  if (author.empty()) {
    verdicts_.dmarc_error = froms == 0  ? "no From header field"
                            : froms > 1 ? "more than one From header field"
                                        : "the From field has no address or several domains";
    ar.results.push_back(
        authres::ResultInfo{"dmarc", "permerror", "", verdicts_.dmarc_error, {}});
    // §5.3 leaves a message without one Author Domain to local policy: a before-queue
    // listener may refuse it, as large mailbox providers do, so no From can hide a
    // domain whose policy says reject.
    if (froms > 0 && setup_.reject_dmarc && setup_.reject_multiple_from &&
        disposition_ == Disposition::kAccept) {
      disposition_ = Disposition::kReject;
      status_code_ = "5.7.1";
      reason_ =
          "no DMARC verdict is possible: " + verdicts_.dmarc_error + " (reject-multiple-from)";
    }
    return;
  }
  auto domain = dmarc::author_domain(author);
  if (!domain) {
    verdicts_.dmarc_error = "the From domain is not a valid domain name";
    ar.results.push_back(
        authres::ResultInfo{"dmarc", "permerror", "", verdicts_.dmarc_error, {}});
    return;
  }
  verdicts_.spf =
      trusted_spf(fields, first_received(fields), setup_.receiver, setup_.authserv_id);
  const Client& c = plan_.client;
  if (!verdicts_.spf && setup_.spf != nullptr && !c.address.empty()) {
    spf::Envelope env{c.address, c.helo, c.sender};
    // RFC 9989 §4.4.2: the MAIL FROM domain, or the HELO name for the null sender.
    spf::Verdict v = c.sender.empty() ? setup_.spf->check_helo(env, &*lookups_)
                                      : setup_.spf->check_mail_from(env, &*lookups_);
    verdicts_.spf = SpfResult{std::string(spf::to_string(v.result)), v.domain, "computed"};
    verdicts_.spf_computed = true;
    authres::ResultInfo ri{"spf", std::string(spf::to_string(v.result)), "", "", {}};
    if (c.sender.empty())
      ri.properties.push_back(authres::Property{"smtp", "helo", c.helo});
    else
      ri.properties.push_back(authres::Property{"smtp", "mailfrom", c.sender});
    ar.results.push_back(std::move(ri));
  }
  dmarc::Input in;
  in.author_domain = *domain;
  if (verdicts_.spf) {
    in.spf_result = verdicts_.spf->result;
    in.spf_domain = verdicts_.spf->domain;
  }
  for (const auto& r : verdicts_.dkim)
    in.dkim.push_back(
        dmarc::Input::Dkim{r.domain, r.selector, r.verdict == dkim::Verdict::kPass});
  dmarc::Evaluator evaluator(*lookups_);
  verdicts_.dmarc = evaluator.evaluate(in);
  dmarc::apply_overrides(setup_.dmarc_overrides, in, c.address, c.hostname, *verdicts_.dmarc);
  ar.results.push_back(authres::dmarc_resinfo(*verdicts_.dmarc));
  // RFC 9989 §5.8: a receiver that applies "reject" rejects during the SMTP transaction.
  // `applied` has t=y (§5.3) and the local overrides behind it, so a testing record, a
  // known forwarder or a mailing list is never refused.
  const dmarc::Evaluation& e = *verdicts_.dmarc;
  if (setup_.reject_dmarc && e.applied == dmarc::Policy::kReject &&
      disposition_ == Disposition::kAccept) {
    disposition_ = Disposition::kReject;
    status_code_ = "5.7.1";
    reason_ = "DMARC policy of " + e.policy_domain + " says reject: " + e.reason;
  }
}

void Session::write_to(const std::function<void(std::string_view)>& out) const {
  POSTSEAL_CHECK(finished_ && disposition_ == Disposition::kAccept);
  if (!added_.empty()) out(added_);
  if (!verdicts_.header_error.empty() || !parser_.headers_done()) {
    spool_.copy_out(0, out);
    return;
  }
  const auto& fields = parser_.headers();
  for (size_t i = 0; i < fields.size(); ++i)
    if (!removed_[i]) out(fields[i].raw);
  if (!parser_.separator().empty()) out(parser_.separator());
  spool_.copy_out(body_offset_, out);
}

}  // namespace postseal::session
