/// \file
/// SPF lookup counting across includes (lookup_count.h).
#include "spf/lookup_count.h"

#include <set>

#include "spf/record_check.h"
#include "util/ascii.h"

namespace postseal::spf {
namespace {

// Deep include trees are cut off here; evaluation would have failed long before.
constexpr int kMaxDepth = 12;

class Walker {
 public:
  Walker(dns::Resolver& r, LookupCount& out) : r_(r), out_(out) {}

  void visit(const std::string& domain, const std::string& path, int depth) {
    if (depth > kMaxDepth || !seen_.insert(domain).second) return;
    dns::Answer a = r_.query(domain, dns::Type::kTxt);
    if (a.status == dns::Status::kTempError) {
      out_.temperror = true;
      out_.problems.push_back(path + ": DNS error for " + domain + ": " + a.reason);
      return;
    }
    std::vector<std::string> spf;
    for (const auto& t : a.records)
      if (detail::is_spf_record(t)) spf.push_back(t);
    if (spf.size() != 1) {
      // The top domain's record count is judged by the caller; below it, an include
      // or redirect to a domain without exactly one record is a permerror (§5.2, §6.1).
      if (depth > 0)
        out_.problems.push_back(path + ": " + domain + " has " + std::to_string(spf.size()) +
                                " SPF records (RFC 7208 sections 5.2 and 6.1: permerror)");
      return;
    }
    for (const auto& term : split(spf.front())) handle(domain, path, term, depth);
  }

 private:
  static std::vector<std::string> split(const std::string& record) {
    std::vector<std::string> terms;
    size_t i = 0;
    while (i < record.size()) {
      size_t j = record.find(' ', i);
      if (j == std::string::npos) j = record.size();
      if (j > i) terms.push_back(record.substr(i, j - i));
      i = j + 1;
    }
    if (!terms.empty()) terms.erase(terms.begin());  // v=spf1
    return terms;
  }

  void count(const std::string& path, const std::string& term) {
    ++out_.dns_mechanisms;
    std::string line = std::to_string(out_.dns_mechanisms) + " " + path + ": " + term;
    out_.trace.push_back(line);
    if (out_.dns_mechanisms == kMaxDnsMechanisms + 1) out_.first_over = line;
  }

  // One lookup whose empty answer is a void lookup (§4.6.4). Names with macros are not
  // asked: their value depends on the message.
  void probe(const std::string& path, const std::string& term, const std::string& name,
             dns::Type type) {
    if (name.find('%') != std::string::npos) return;
    dns::Answer a = r_.query(name, type);
    if (a.status == dns::Status::kTempError) out_.temperror = true;
    if (a.status == dns::Status::kNxDomain || a.status == dns::Status::kNoData) {
      ++out_.void_lookups;
      out_.voids.push_back(path + ": " + term + ": " + name + " has no " +
                           std::string(dns::to_string(type)) + " records");
    }
  }

  void handle(const std::string& domain, const std::string& path, const std::string& raw,
              int depth) {
    std::string term = ascii_lower(raw);
    if (!term.empty() && (term[0] == '+' || term[0] == '-' || term[0] == '~' || term[0] == '?'))
      term.erase(0, 1);
    auto target = [&](size_t skip) {
      std::string t = term.size() > skip ? raw.substr(raw.size() - (term.size() - skip)) : "";
      t = t.substr(0, t.find('/'));
      return t.empty() ? domain : ascii_lower(t);
    };
    std::string here = path.empty() ? domain : path;
    if (term.rfind("include:", 0) == 0) {
      count(here, raw);
      std::string d = target(8);
      if (d.find('%') == std::string::npos) visit(d, here + " > include:" + d, depth + 1);
    } else if (term.rfind("redirect=", 0) == 0) {
      count(here, raw);
      std::string d = target(9);
      if (d.find('%') == std::string::npos) visit(d, here + " > redirect=" + d, depth + 1);
    } else if (term == "a" || term.rfind("a:", 0) == 0 || term.rfind("a/", 0) == 0) {
      count(here, raw);
      probe(here, raw, term.rfind("a:", 0) == 0 ? target(2) : domain, dns::Type::kA);
    } else if (term == "mx" || term.rfind("mx:", 0) == 0 || term.rfind("mx/", 0) == 0) {
      count(here, raw);
      probe(here, raw, term.rfind("mx:", 0) == 0 ? target(3) : domain, dns::Type::kMx);
    } else if (term == "ptr" || term.rfind("ptr:", 0) == 0) {
      count(here, raw);
    } else if (term.rfind("exists:", 0) == 0) {
      count(here, raw);
      probe(here, raw, target(7), dns::Type::kA);
    }
  }

  dns::Resolver& r_;
  LookupCount& out_;
  std::set<std::string> seen_;
};

}  // namespace

LookupCount count_lookups(dns::Resolver& resolver, std::string_view domain) {
  LookupCount out;
  std::string d = ascii_lower(domain);
  if (!d.empty() && d.back() == '.') d.pop_back();
  Walker(resolver, out).visit(d, "", 0);
  return out;
}

}  // namespace postseal::spf
