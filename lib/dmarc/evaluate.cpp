/// \file
/// RFC 9989 evaluation: the DNS Tree Walk, Organizational Domains, alignment, policy.
#include "dmarc/evaluate.h"

#include <cstdlib>

#include <dlfcn.h>
#include <idn2.h>

#include "util/ascii.h"

namespace postseal::dmarc {
namespace {

// A walk asks at most this many names (§4.10: "no more than eight DNS queries").
constexpr size_t kMaxWalkQueries = 8;
// Names longer than this many labels jump to their last kJumpLabels (§4.10 step 4).
constexpr size_t kJumpLabels = 7;

std::vector<std::string_view> labels(std::string_view d) {
  std::vector<std::string_view> out;
  while (!d.empty()) {
    size_t dot = d.find('.');
    out.push_back(d.substr(0, dot));
    if (dot == std::string_view::npos) break;
    d.remove_prefix(dot + 1);
  }
  return out;
}

// The last `n` labels of `d`.
std::string last_labels(std::string_view d, size_t n) {
  auto l = labels(d);
  std::string out;
  for (size_t i = l.size() > n ? l.size() - n : 0; i < l.size(); ++i)
    out += (out.empty() ? "" : ".") + std::string(l[i]);
  return out;
}

std::string parent(std::string_view d) {
  size_t dot = d.find('.');
  return dot == std::string_view::npos ? std::string() : std::string(d.substr(dot + 1));
}

// The policy one level lower, as t=y asks (§4.7 "t").
Policy one_lower(Policy p) {
  return p == Policy::kReject ? Policy::kQuarantine : Policy::kNone;
}

bool is_subdomain(std::string_view d, std::string_view of) {
  return d.size() > of.size() && d.ends_with(of) && d[d.size() - of.size() - 1] == '.';
}

// libidn2's U-label to A-label conversion, loaded on first use: only a non-ASCII
// Author Domain needs it, and linking it would make every postseal-filter run (most
// only sign) load and relocate libidn2 and libunistring (0.9 M instructions, about 5 %
// of a signing run; doc/notes/pipe-filter-cost.md). The soname is libidn2's stable one.
using ToAscii = int (*)(const char*, char**, int);
ToAscii idn2_to_ascii() {
  static ToAscii fn = [] {
    void* lib = ::dlopen("libidn2.so.0", RTLD_NOW | RTLD_LOCAL);
    return lib ? reinterpret_cast<ToAscii>(::dlsym(lib, "idn2_to_ascii_8z")) : nullptr;
  }();
  return fn;
}

}  // namespace

std::string_view to_string(Result r) {
  switch (r) {
    case Result::kNone:
      return "none";
    case Result::kPass:
      return "pass";
    case Result::kFail:
      return "fail";
    case Result::kTempError:
      return "temperror";
    case Result::kPermError:
      return "permerror";
  }
  return "none";
}

std::optional<std::string> author_domain(std::string_view address) {
  size_t at = address.rfind('@');
  std::string_view d = at == std::string_view::npos ? address : address.substr(at + 1);
  if (d.ends_with('.')) d.remove_suffix(1);
  if (d.empty() || d.size() > 253) return std::nullopt;
  std::string domain(d);
  bool ascii = true;
  for (unsigned char c : domain) ascii = ascii && c < 128;
  if (!ascii) {
    // U-labels to A-labels (RFC 5890 §2.3), IDNA2008 with the UTS #46 mapping.
    ToAscii to_ascii = idn2_to_ascii();
    char* out = nullptr;
    if (to_ascii == nullptr ||
        to_ascii(domain.c_str(), &out, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) != IDN2_OK)
      return std::nullopt;
    domain = out;
    std::free(out);
  }
  domain = ascii_lower(domain);
  for (auto l : labels(domain)) {
    if (l.empty() || l.size() > 63) return std::nullopt;
    for (char c : l)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
        return std::nullopt;
  }
  return domain;
}

Evaluator::Evaluator(dns::Resolver& resolver) : resolver_(resolver) {}

// The TXT records at _dmarc.DOMAIN: those that are not DMARC records are discarded,
// several DMARC records are all discarded (§4.10 step 2).
Evaluator::Lookup Evaluator::lookup(const std::string& domain, Record& out,
                                    std::string& error) {
  std::string name = "_dmarc." + domain;
  auto it = cache_.find(name);
  if (it == cache_.end()) {
    queries_.push_back(name);
    it = cache_.emplace(name, resolver_.query(name, dns::Type::kTxt)).first;
  }
  const dns::Answer& a = it->second;
  if (a.status == dns::Status::kTempError) {
    error = name + ": " + (a.reason.empty() ? "DNS error" : a.reason);
    return Lookup::kTempError;
  }
  if (a.status != dns::Status::kOk) return Lookup::kNone;
  std::optional<Record> one;
  size_t n = 0;
  for (const auto& txt : a.records)
    if (is_dmarc_record(txt)) {
      ++n;
      one = parse_record(txt);
    }
  if (n != 1 || !one) return Lookup::kNone;
  out = std::move(*one);
  return Lookup::kOne;
}

Walk Evaluator::walk(const std::string& domain) {
  Walk w;
  std::string target = domain;
  size_t asked = 0;
  while (!target.empty() && asked < kMaxWalkQueries) {
    Record r;
    ++asked;
    switch (lookup(target, r, w.error)) {
      case Lookup::kTempError:
        w.temperror = true;
        return w;
      case Lookup::kNone:
        break;
      case Lookup::kOne: {
        bool stop = r.psd != Psd::kUnknown;
        w.found.push_back(Walk::Found{target, std::move(r)});
        if (stop) return w;
        break;
      }
    }
    // Step 4: from the start, a name of 8 or more labels continues at its last 7.
    size_t n = labels(target).size();
    target =
        asked == 1 && n >= kJumpLabels + 1 ? last_labels(target, kJumpLabels) : parent(target);
  }
  return w;
}

std::optional<std::string> Evaluator::org_domain(const std::string& domain) {
  if (auto it = orgs_.find(domain); it != orgs_.end()) return it->second;
  Walk w = walk(domain);
  std::optional<std::string> org;
  if (!w.temperror) {
    // §4.10.2: from the longest name to the shortest: psd=n is the Organizational
    // Domain; psd=y (not at the start) makes it the name one label below; else the
    // record with the fewest labels; with no record, the domain itself.
    org = domain;
    if (!w.found.empty()) org = w.found.back().domain;
    for (const auto& f : w.found) {
      if (f.record.psd == Psd::kNo) {
        org = f.domain;
        break;
      }
      if (f.record.psd == Psd::kYes && f.domain != domain) {
        size_t below = labels(f.domain).size() + 1;
        org = last_labels(domain, below);
        break;
      }
    }
  }
  orgs_[domain] = org;
  return org;
}

bool Evaluator::exists(const std::string& domain, bool& temperror) {
  // §3.2.11: a name with an NXDOMAIN answer does not exist (RFC 8020).
  queries_.push_back(domain);
  dns::Answer a = resolver_.query(domain, dns::Type::kA);
  if (a.status == dns::Status::kTempError) temperror = true;
  return a.status != dns::Status::kNxDomain;
}

Evaluation Evaluator::evaluate(const Input& in) {
  Evaluation e;
  e.author_domain = in.author_domain;
  auto done = [&](Result r, std::string reason) {
    e.result = r;
    e.reason = std::move(reason);
    e.queries = queries_;
    return e;
  };

  // Policy discovery (§4.10.1): the Author Domain's own record; else, by a walk, the
  // record of its Organizational Domain, else of its Public Suffix Domain.
  Record own;
  std::string error;
  Walk w;
  switch (lookup(in.author_domain, own, error)) {
    case Lookup::kTempError:
      return done(Result::kTempError, "DMARC record lookup failed: " + error);
    case Lookup::kOne:
      w.found.push_back(Walk::Found{in.author_domain, own});
      break;
    case Lookup::kNone:
      w = walk(in.author_domain);  // the first answer comes from the cache
      if (w.temperror)
        return done(Result::kTempError, "DMARC record lookup failed: " + w.error);
      if (w.found.empty())
        return done(Result::kNone, "no DMARC record for " + in.author_domain + " or above it");
      break;
  }
  // The Organizational Domain of the Author Domain, found when first needed (a walk
  // that may reach the top-level domain): not at all when every identifier is the
  // Author Domain itself or alignment is strict.
  bool org_known = false;
  auto author_org = [&]() -> std::optional<std::string> {
    if (!org_known) {
      auto o = org_domain(in.author_domain);
      if (!o) return std::nullopt;
      e.org_domain = *o;
      org_known = true;
    }
    return e.org_domain;
  };
  const Walk::Found* use = nullptr;
  if (w.found.front().domain == in.author_domain) {
    use = &w.found.front();
  } else {
    auto org = author_org();  // the same walk: answered from the cache
    if (!org) return done(Result::kTempError, "DMARC record lookup failed");
    for (const auto& f : w.found)
      if (f.domain == *org) use = &f;
    if (use == nullptr)
      for (const auto& f : w.found)
        if (f.record.psd == Psd::kYes) use = &f;
    if (use == nullptr) use = &w.found.back();
  }
  e.policy_domain = use->domain;
  e.record = use->record;
  const Record& rec = *e.record;

  // The tag in force: p for the domain itself; for a subdomain sp if it exists, np if
  // it does not (NXDOMAIN), each falling back as §4.7 says.
  if (e.policy_domain == in.author_domain) {
    e.policy_tag = "p";
    e.policy = rec.p.value_or(Policy::kNone);
  } else {
    bool temperror = false;
    bool nonexistent = rec.np && !exists(in.author_domain, temperror);
    if (temperror)
      return done(Result::kTempError, "existence check of " + in.author_domain + " failed");
    if (nonexistent) {
      e.policy_tag = "np";
      e.policy = *rec.np;
    } else if (rec.sp) {
      e.policy_tag = "sp";
      e.policy = *rec.sp;
    } else {
      e.policy_tag = "p";
      e.policy = rec.p.value_or(Policy::kNone);
    }
  }
  // An invalid p, sp or np: p=none when rua has a valid URI, else no DMARC (§4.10.1).
  if (rec.p_invalid) {
    if (rec.rua.empty())
      return done(Result::kNone, "the DMARC record of " + e.policy_domain +
                                     " has an invalid p, sp or np and no valid rua");
    e.policy = Policy::kNone;
  }
  e.disposition = rec.testing ? one_lower(e.policy) : e.policy;

  // Alignment (§4.10.2): strict is equality; relaxed compares Organizational Domains,
  // each found by its own walk. An identical name needs no walk.
  bool temperror = false;
  auto aligned = [&](const std::string& id, Alignment mode) {
    std::string d = ascii_lower(id);
    if (d.ends_with('.')) d.pop_back();
    if (d == in.author_domain) return true;
    if (mode == Alignment::kStrict) return false;
    auto mine = author_org();
    if (!mine) {
      temperror = true;
      return false;
    }
    // A name's Organizational Domain is the name or one above it, so a name outside
    // the Author Domain's Organizational Domain cannot share it: no more queries.
    if (d != *mine && !is_subdomain(d, *mine)) return false;
    auto o = org_domain(d);
    if (!o) {
      temperror = true;
      return false;
    }
    return *o == *mine;
  };
  // Both identifiers are checked, so reports can say which aligned (RFC 9990's
  // policy_evaluated has one result each); the first aligned one is named.
  std::string dkim_domain;
  for (const auto& d : in.dkim)
    if (d.pass && aligned(d.domain, rec.adkim)) {
      dkim_domain = d.domain;
      e.dkim_aligned = true;
      break;
    }
  if (ascii_lower(in.spf_result) == "pass" && !in.spf_domain.empty())
    e.spf_aligned = aligned(in.spf_domain, rec.aspf);
  auto mode = [](Alignment a) { return a == Alignment::kStrict ? "strict" : "relaxed"; };
  if (e.dkim_aligned) {
    e.aligned = "dkim " + dkim_domain;
    return done(Result::kPass,
                "DKIM signature of " + dkim_domain + " aligned (" + mode(rec.adkim) + ")");
  }
  if (e.spf_aligned) {
    e.aligned = "spf " + in.spf_domain;
    return done(Result::kPass,
                "SPF pass for " + in.spf_domain + " aligned (" + mode(rec.aspf) + ")");
  }
  if (temperror) return done(Result::kTempError, "an Organizational Domain lookup failed");
  e.applied = e.disposition;
  return done(Result::kFail, "no aligned SPF or DKIM pass");
}

}  // namespace postseal::dmarc
