/// \file
/// The sending-domain audit (domain_audit.h).
#include "audit/domain_audit.h"

#include <algorithm>
#include <cstdio>

#include <arpa/inet.h>

#include "dkim/key_probe.h"
#include "dmarc/destinations.h"
#include "dmarc/evaluate.h"
#include "dmarc/record.h"
#include "spf/lookup_count.h"
#include "spf/record_check.h"
#include "spf/spf.h"
#include "util/ascii.h"

namespace postseal::audit {
namespace {

class Auditor {
 public:
  Auditor(dns::Resolver& r, const AuditOptions& o, Audit& out) : r_(r), o_(o), out_(out) {}

  void run() {
    spf_ok_ = check_spf("spf", o_.domain);
    if (!o_.mail_from_domain.empty() && o_.mail_from_domain != o_.domain) {
      spf_ok_ = check_spf("spf mail-from", o_.mail_from_domain);
      check_mx("mx mail-from", o_.mail_from_domain, true);
    }
    check_dkim();
    if (o_.relay == config::Relay::kSes) check_ses();
    check_dmarc();
    check_mx("mx", o_.domain, false);
    if (!o_.ip.empty()) check_fcrdns();
    verdict();
  }

 private:
  void add(const std::string& section, Level level, std::string text) {
    if (level == Level::kTempError) temp_sections_.push_back(section);
    out_.findings.push_back({section, level, std::move(text)});
  }

  // Whether a DNS error left a check of this section (prefix) undecided.
  bool undecided(std::string_view section) const {
    for (const auto& s : temp_sections_)
      if (s.rfind(section, 0) == 0) return true;
    return false;
  }

  // SPF for one domain. Returns whether it is usable for the verdict: one valid record
  // within the limits (and a pass for --ip when given).
  bool check_spf(const std::string& sec, const std::string& domain) {
    dns::Answer a = r_.query(domain, dns::Type::kTxt);
    if (a.status == dns::Status::kTempError) {
      add(sec, Level::kTempError, "DNS error asking for " + domain + " TXT: " + a.reason);
      return false;
    }
    std::vector<std::string> recs;
    for (const auto& t : a.records)
      if (spf::detail::is_spf_record(t)) recs.push_back(t);
    if (recs.empty()) {
      add(sec, Level::kFail,
          "no SPF record at " + domain +
              " (RFC 7208 section 4.5: result none): publish one "
              "TXT record such as \"v=spf1 mx -all\" listing the hosts that send its mail");
      return false;
    }
    if (recs.size() > 1) {
      add(sec, Level::kFail,
          std::to_string(recs.size()) + " SPF records at " + domain +
              " (RFC 7208 section 4.5: permerror): merge them into one record");
      return false;
    }
    const std::string& rec = recs.front();
    add(sec, Level::kInfo, domain + ": " + rec);
    bool ok = true;
    auto checked = spf::detail::check_record(rec, spf::detail::Family::kIpv4, domain);
    if (!checked.ok()) {
      add(sec, Level::kFail,
          "the record of " + domain + " is invalid: " + checked.message() +
              " (RFC 7208 section 12: permerror): correct that term");
      ok = false;
    }
    spf::LookupCount c = spf::count_lookups(r_, domain);
    for (const auto& p : c.problems)
      add(sec, c.temperror ? Level::kTempError : Level::kFail, p);
    if (c.dns_mechanisms > spf::kMaxDnsMechanisms) {
      add(sec, Level::kFail,
          std::to_string(c.dns_mechanisms) +
              " DNS-mechanism lookups (include, a, mx, ptr, exists, redirect), over the limit "
              "of "
              "10 (RFC 7208 section 4.6.4: permerror); the 11th is \"" +
              c.first_over + "\": replace includes by ip4:/ip6: ranges or drop unused ones");
      for (const auto& t : c.trace) add(sec, Level::kInfo, "lookup " + t);
      ok = false;
    } else {
      add(sec, Level::kOk,
          std::to_string(c.dns_mechanisms) +
              " of 10 DNS-mechanism lookups (RFC 7208 section "
              "4.6.4)");
    }
    if (c.void_lookups > spf::kMaxVoidLookups) {
      add(sec, Level::kFail,
          std::to_string(c.void_lookups) +
              " void lookups, over the limit of 2 (RFC 7208 section 4.6.4: permerror): remove "
              "the terms that name nothing");
      ok = false;
    }
    for (const auto& v : c.voids) add(sec, Level::kWarn, "void lookup: " + v);
    // The all mechanism decides what everyone else gets (RFC 7208 §5.1).
    std::string lower = ascii_lower(rec);
    auto has = [&](std::string_view term) {
      size_t pos = 0;
      while ((pos = lower.find(term, pos)) != std::string::npos) {
        bool start = pos == 0 || lower[pos - 1] == ' ';
        bool end = pos + term.size() == lower.size() || lower[pos + term.size()] == ' ';
        if (start && end) return true;
        pos += term.size();
      }
      return false;
    };
    if (has("+all") || has("all")) {
      add(sec, Level::kFail,
          "\"+all\" lets every host on the Internet pass SPF for " + domain +
              " (RFC 7208 section 5.1): end the record with -all or ~all");
      ok = false;
    } else if (has("?all")) {
      add(sec, Level::kWarn,
          "\"?all\" gives strangers neutral, which protects nothing (RFC 7208 section 8.2): "
          "end with -all or ~all");
    } else if (!has("-all") && !has("~all") && lower.find("redirect=") == std::string::npos) {
      add(sec, Level::kWarn,
          "no all mechanism: unmatched hosts get neutral (RFC 7208 section 4.7): end with "
          "-all or ~all");
    }
    if (!o_.ip.empty()) {
      spf::Checker checker(r_, "check-dns");
      spf::Verdict v = checker.check_mail_from({o_.ip, "", "postmaster@" + domain});
      std::string res(spf::to_string(v.result));
      if (v.result == spf::Result::kPass) {
        add(sec, Level::kOk, "SPF for " + o_.ip + " with MAIL FROM " + domain + ": pass");
      } else {
        add(sec, v.result == spf::Result::kTempError ? Level::kTempError : Level::kFail,
            "SPF for " + o_.ip + " with MAIL FROM " + domain + ": " + res +
                (v.problem.empty() ? "" : " (" + v.problem + ")") +
                ": add the address (ip4:/ip6:) or its relay's include: to the record");
        ok = false;
      }
    }
    return ok;
  }

  void check_dkim() {
    if (o_.selectors.empty()) {
      add("dkim", Level::kWarn,
          "no selector to check: DKIM keys cannot be listed from DNS; name them with "
          "--selector or a key-table");
      return;
    }
    for (const auto& s : o_.selectors) {
      dkim::KeyProbe p = dkim::probe_key(r_, o_.domain, s, nullptr);
      for (const auto& hop : p.hops) add("dkim", Level::kInfo, "cname " + hop);
      Level l = Level::kFail;
      switch (p.outcome) {
        case dkim::KeyOutcome::kOk:
          l = Level::kOk;
          if (p.type == dkim::KeyType::kRsa) ++good_rsa_keys_;
          ++good_keys_;
          break;
        case dkim::KeyOutcome::kTesting:
        case dkim::KeyOutcome::kTcpOnly:
          l = Level::kWarn;
          ++good_keys_;
          if (p.type == dkim::KeyType::kRsa) ++good_rsa_keys_;
          break;
        case dkim::KeyOutcome::kDnsError:
          l = Level::kTempError;
          break;
        default:
          break;
      }
      add("dkim", l,
          "s=" + s + " " + std::string(dkim::to_string(p.outcome)) + ": " + p.message);
    }
  }

  // Amazon SES (relay = ses). Easy DKIM: each token's name is a CNAME to
  // TOKEN.dkim.amazonses.com, where SES publishes (and rotates) the key; a typo in one
  // of the three breaks the signatures made with that token only. A custom MAIL FROM
  // domain needs MX to the region's feedback endpoint (bounces and complaints) and SPF
  // including amazonses.com, or SPF cannot align with the From domain (RFC 9989).
  void check_ses() {
    const std::string sec = "ses";
    if (o_.selectors.size() != static_cast<size_t>(config::ses::kDkimSelectors))
      add(sec, Level::kWarn,
          std::to_string(o_.selectors.size()) +
              " DKIM token(s) given; SES Easy DKIM publishes three CNAMEs: name each token "
              "with --dkim-selector");
    for (const auto& token : o_.selectors) {
      const std::string name = token + "._domainkey." + o_.domain;
      const std::string want = token + std::string(config::ses::kDkimTargetSuffix);
      dns::Answer a = r_.query(name, dns::Type::kCname);
      if (a.status == dns::Status::kTempError) {
        add(sec, Level::kTempError, "DNS error asking for " + name + " CNAME: " + a.reason);
      } else if (a.status != dns::Status::kOk || a.records.empty()) {
        add(sec, Level::kFail,
            name + " is not a CNAME: publish \"" + name + " CNAME " + want +
                "\" as the SES console lists it");
      } else if (a.records.front() != want) {
        add(sec, Level::kFail,
            name + " CNAME " + a.records.front() + ": SES expects " + want +
                " (a typo in the target breaks every signature made with this token)");
      } else {
        add(sec, Level::kOk, name + " CNAME " + want);
      }
    }
    const std::string& mf = o_.mail_from_domain;
    if (mf.empty() || mf == o_.domain) {
      add(sec, Level::kWarn,
          "no custom MAIL FROM domain (--mail-from-domain): SES then sends with a MAIL FROM "
          "in amazonses.com, so SPF never aligns with " +
              o_.domain + "; set one up in SES (e.g. bounce." + o_.domain + ")");
      return;
    }
    if (!o_.region.empty() && !config::ses::is_region(o_.region))
      add(sec, Level::kFail, "--region " + o_.region + " is not an AWS region name");
    dns::Answer mx = r_.query(mf, dns::Type::kMx);
    const std::string want_mx = o_.region.empty() ? "" : config::ses::feedback_mx(o_.region);
    if (mx.status == dns::Status::kTempError) {
      add(sec, Level::kTempError, "DNS error asking for " + mf + " MX: " + mx.reason);
    } else if (mx.status != dns::Status::kOk) {
      add(sec, Level::kFail,
          "no MX record for the MAIL FROM domain " + mf + ": SES requires \"" + mf + " MX 10 " +
              (want_mx.empty() ? config::ses::feedback_mx("REGION") : want_mx) +
              "\" before it uses the domain");
    } else {
      std::string found;
      for (const auto& m : mx.records)
        if (m.starts_with("feedback-smtp.") && m.ends_with(".amazonses.com")) found = m;
      if (found.empty())
        add(sec, Level::kFail,
            mf + " MX does not point to SES's feedback endpoint: publish \"" + mf + " MX 10 " +
                (want_mx.empty() ? config::ses::feedback_mx("REGION") : want_mx) + "\"");
      else if (!want_mx.empty() && found != want_mx)
        add(sec, Level::kFail,
            mf + " MX " + found + " is another region's endpoint: SES in " + o_.region +
                " expects " + want_mx);
      else
        add(sec, Level::kOk,
            mf + " MX " + found + (want_mx.empty() ? " (no --region given to compare)" : ""));
    }
    dns::Answer txt = r_.query(mf, dns::Type::kTxt);
    if (txt.status == dns::Status::kTempError) {
      add(sec, Level::kTempError, "DNS error asking for " + mf + " TXT: " + txt.reason);
      return;
    }
    bool includes = false;
    for (const auto& t : txt.records)
      if (ascii_lower(t).starts_with("v=spf1") &&
          ascii_lower(t).find(config::ses::kSpfInclude) != std::string::npos)
        includes = true;
    if (includes)
      add(sec, Level::kOk, mf + " SPF includes amazonses.com");
    else
      add(sec, Level::kFail,
          mf + " SPF does not include amazonses.com: publish \"v=spf1 " +
              std::string(config::ses::kSpfInclude) + " ~all\" at " + mf);
  }

  void check_dmarc() {
    dmarc::Evaluator ev(r_);
    dmarc::Walk w = ev.walk(o_.domain);
    if (w.temperror) {
      add("dmarc", Level::kTempError, "DNS error during the tree walk: " + w.error);
      return;
    }
    // A record at the domain's own _dmarc name that the walk did not take is broken.
    dns::Answer own = r_.query("_dmarc." + o_.domain, dns::Type::kTxt);
    bool own_found = !w.found.empty() && w.found.front().domain == o_.domain;
    if (!own_found && own.status == dns::Status::kOk) {
      for (const auto& t : own.records)
        if (t.rfind("v=DMARC", 0) == 0 || t.rfind("v = DMARC", 0) == 0)
          add("dmarc", Level::kFail,
              "the record at _dmarc." + o_.domain +
                  " is not valid (RFC 9989 section 4.8: it "
                  "must start with \"v=DMARC1;\"): \"" +
                  t + "\"");
    }
    if (w.found.empty()) {
      add("dmarc", Level::kFail,
          "no DMARC record for " + o_.domain + " at _dmarc." + o_.domain +
              " or above it (RFC 9989 section 4.10): publish \"v=DMARC1; p=none; "
              "rua=mailto:dmarc-reports@" +
              o_.domain + "\" at _dmarc." + o_.domain);
      return;
    }
    const auto& f = w.found.front();
    const dmarc::Record& rec = f.record;
    dmarc_found_ = true;
    add("dmarc", Level::kInfo, "_dmarc." + f.domain + ": " + rec.text);
    bool self = f.domain == o_.domain;
    if (!self)
      add("dmarc", Level::kInfo,
          "found by the tree walk at _dmarc." + f.domain +
              " (RFC 9989 section 4.10), not at _dmarc." + o_.domain +
              ": its sp= (else p=) applies to " + o_.domain);
    if (rec.p_invalid) {
      add("dmarc", Level::kFail,
          "a p=, sp= or np= tag has an invalid value (RFC 9989 section 4.7: it must be none, "
          "quarantine or reject); receivers read it as p=none at best");
      dmarc_found_ = rec.rua.empty() ? false : true;
    }
    auto name = [](const std::optional<dmarc::Policy>& p) {
      return p ? std::string(dmarc::to_string(*p)) : std::string("(absent)");
    };
    std::optional<dmarc::Policy> in_force = self ? rec.p : (rec.sp ? rec.sp : rec.p);
    add("dmarc", Level::kOk,
        "policy for " + o_.domain + ": " + (in_force ? name(in_force) : "none") +
            " (p=" + name(rec.p) + " sp=" + name(rec.sp) + " np=" + name(rec.np) + ")");
    if (rec.testing)
      add("dmarc", Level::kWarn,
          "t=y: receivers apply one level less than the policy (RFC 9989 section 4.7); remove "
          "t=y once reports look clean");
    if (rec.rua.empty())
      add("dmarc", Level::kWarn,
          "no rua=: nobody receives aggregate reports, so failures go unseen; add "
          "rua=mailto:ADDRESS (postseal report read reads them)");
    for (const auto* list : {&rec.rua, &rec.ruf}) {
      if (list->empty()) continue;
      const char* tag = list == &rec.rua ? "rua" : "ruf";
      dmarc::Destinations d = dmarc::report_destinations(ev, r_, f.domain, *list);
      if (d.temperror) {
        add("dmarc", Level::kTempError, std::string(tag) + ": DNS error: " + d.error);
        continue;
      }
      for (const auto& a : d.addresses)
        add("dmarc", Level::kOk, std::string(tag) + " reports go to " + a);
      for (const auto& r : d.refused)
        add("dmarc", Level::kFail,
            std::string(tag) + " destination refused: " + r +
                " (RFC 9990 section 4): the receiving domain must publish TXT \"v=DMARC1\" "
                "at " +
                f.domain + "._report._dmarc.<its domain>, or use an address in " + f.domain);
    }
  }

  void check_mx(const std::string& sec, const std::string& domain, bool needed) {
    dns::Answer a = r_.query(domain, dns::Type::kMx);
    if (a.status == dns::Status::kTempError) {
      add(sec, Level::kTempError, "DNS error asking for " + domain + " MX: " + a.reason);
      return;
    }
    if (a.status != dns::Status::kOk) {
      add(sec, needed ? Level::kFail : Level::kWarn,
          "no MX record for " + domain + ": bounces" +
              std::string(needed ? " to the MAIL FROM domain" : " and replies") +
              " fall back to its address records or are lost (RFC 5321 section 5.1); publish "
              "an MX record");
      return;
    }
    if (a.records.size() == 1 && (a.records.front() == "." || a.records.front().empty())) {
      add(sec, needed ? Level::kFail : Level::kWarn,
          domain + " has a null MX (RFC 7505): it receives no mail, so bounces are lost");
      return;
    }
    std::string list;
    for (const auto& m : a.records) list += (list.empty() ? "" : ", ") + m;
    add(sec, Level::kOk, domain + " MX: " + list);
  }

  // Forward-confirmed reverse DNS: the PTR names of the address, one of which resolves
  // back to it (what Gmail and Yahoo require of senders).
  void check_fcrdns() {
    unsigned char buf[16];
    std::string rev;
    dns::Type fwd = dns::Type::kA;
    std::string raw;
    if (inet_pton(AF_INET, o_.ip.c_str(), buf) == 1) {
      for (int i = 3; i >= 0; --i) rev += std::to_string(buf[i]) + ".";
      rev += "in-addr.arpa";
      raw.assign(reinterpret_cast<char*>(buf), 4);
    } else if (inet_pton(AF_INET6, o_.ip.c_str(), buf) == 1) {
      const char* hex = "0123456789abcdef";
      for (int i = 15; i >= 0; --i) {
        rev += hex[buf[i] & 15];
        rev += '.';
        rev += hex[buf[i] >> 4];
        rev += '.';
      }
      rev += "ip6.arpa";
      fwd = dns::Type::kAaaa;
      raw.assign(reinterpret_cast<char*>(buf), 16);
    } else {
      add("fcrdns", Level::kFail, "--ip " + o_.ip + " is not an IPv4 or IPv6 address");
      return;
    }
    dns::Answer p = r_.query(rev, dns::Type::kPtr);
    if (p.status == dns::Status::kTempError) {
      add("fcrdns", Level::kTempError, "DNS error asking for " + rev + " PTR: " + p.reason);
      return;
    }
    if (p.status != dns::Status::kOk) {
      add("fcrdns", Level::kFail,
          "no PTR record for " + o_.ip + " (" + rev +
              "): ask whoever runs the address "
              "(provider, hosting company) for a reverse name that resolves back to it");
      return;
    }
    for (const auto& name : p.records) {
      dns::Answer f = r_.query(name, fwd);
      if (f.status == dns::Status::kOk &&
          std::find(f.records.begin(), f.records.end(), raw) != f.records.end()) {
        fcrdns_ok_ = true;
        add("fcrdns", Level::kOk, o_.ip + " -> " + name + " -> " + o_.ip);
        return;
      }
    }
    add("fcrdns", Level::kFail,
        o_.ip + " -> " + p.records.front() + ", which does not resolve back to " + o_.ip +
            ": add the address record for that name");
  }

  // The large mailbox providers' sender requirements (Gmail and Yahoo since February
  // 2024, Outlook.com since May 2025), each with what to fix.
  void verdict() {
    // A requirement that DNS trouble left undecided is a temperror, never a failure.
    std::string_view section;
    auto line = [&](bool ok, const std::string& good, const std::string& fix) {
      Level l = ok ? Level::kOk : undecided(section) ? Level::kTempError : Level::kFail;
      add("verdict", l,
          ok                       ? good
          : l == Level::kTempError ? fix + " (undecided: DNS error)"
                                   : fix);
    };
    section = "spf";
    line(spf_ok_, "SPF: one valid record within the limits",
         "SPF must pass for the MAIL FROM domain: fix the spf lines above");
    section = "dkim";
    line(good_keys_ > 0, "DKIM: a published key for " + o_.domain,
         "DKIM must pass: publish a key (postseal keygen) and name its selector");
    section = "dmarc";
    line(dmarc_found_, "DMARC: a record with at least p=none",
         "DMARC: publish at least \"v=DMARC1; p=none\" at _dmarc." + o_.domain);
    section = "spf";
    bool aligned =
        good_keys_ > 0 ||
        (spf_ok_ && (o_.mail_from_domain.empty() || o_.mail_from_domain == o_.domain ||
                     ends_with_dot(o_.mail_from_domain, o_.domain)));
    line(aligned, "alignment: the From domain " + o_.domain + " aligns with DKIM or SPF",
         "alignment: sign with d=" + o_.domain + " or use a MAIL FROM domain under it");
    if (good_rsa_keys_ == 0 && good_keys_ > 0)
      add("verdict", Level::kWarn,
          "DKIM: only Ed25519 keys; many receivers check RSA only (RFC 8463): add a 2048-bit "
          "RSA key");
    section = "fcrdns";
    if (!o_.ip.empty())
      line(fcrdns_ok_, "reverse DNS: " + o_.ip + " is forward-confirmed",
           "reverse DNS: " + o_.ip + " needs a PTR name that resolves back to it");
  }

  static bool ends_with_dot(const std::string& sub, const std::string& parent) {
    return sub.size() > parent.size() &&
           sub.compare(sub.size() - parent.size(), parent.size(), parent) == 0 &&
           sub[sub.size() - parent.size() - 1] == '.';
  }

  dns::Resolver& r_;
  const AuditOptions& o_;
  Audit& out_;
  bool spf_ok_ = false, dmarc_found_ = false, fcrdns_ok_ = false;
  int good_keys_ = 0, good_rsa_keys_ = 0;
  std::vector<std::string> temp_sections_;
};

}  // namespace

std::string_view to_string(Level l) {
  switch (l) {
    case Level::kOk:
      return "ok";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kFail:
      return "FAIL";
    case Level::kTempError:
      return "temperror";
  }
  return "?";
}

Level Audit::worst() const {
  Level w = Level::kOk;
  for (const auto& f : findings) {
    Level l = f.level == Level::kInfo ? Level::kOk : f.level;
    // Rank: ok < warn < temperror < fail.
    auto rank = [](Level x) {
      return x == Level::kFail ? 3 : x == Level::kTempError ? 2 : x == Level::kWarn ? 1 : 0;
    };
    if (rank(l) > rank(w)) w = l;
  }
  return w;
}

Audit audit_domain(dns::Resolver& resolver, const AuditOptions& options) {
  Audit out;
  AuditOptions o = options;
  o.domain = ascii_lower(o.domain);
  if (!o.domain.empty() && o.domain.back() == '.') o.domain.pop_back();
  o.mail_from_domain = ascii_lower(o.mail_from_domain);
  Auditor(resolver, o, out).run();
  return out;
}

}  // namespace postseal::audit
