/// \file
/// spf-suite: a test driver that runs SPF checks through spf::Checker for the openspf
/// RFC 7208 test suite (t09-spf-conformance). Reads tab-separated lines from stdin:
///   reset                          start again with a fresh resolver (empty cache/zone)
///   zone NAME TYPE DATA            (--static only) add a record: TYPE is A, AAAA, MX
///                                  ("PRIO HOST"), PTR, CNAME, TXT (DATA in hex) or
///                                  TIMEOUT (the name times out for types it lacks)
///   check ID IP HELO MAILFROM      run check_mail_from (an empty MAILFROM is the null
///                                  sender) and print one line:
///                                  ID <tab> RESULT <tab> EXPLANATION <tab> PROBLEM
/// With --dns HOST:PORT every question goes to that server through lib/dns's libunbound
/// resolver; with --static, to an in-memory zone with the test suite's own semantics.
///
/// usage: spf-suite (--dns HOST[:PORT] | --static) [--timeout MS]
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <arpa/inet.h>

#include "dns/unbound_resolver.h"
#include "spf/spf.h"

using namespace postseal;

namespace {

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string unhex(const std::string& h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    out += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
  return out;
}

/// The test suite's DNS (pyspf's testspf.py): a name answers the records of the asked
/// type; a TIMEOUT name times out for every type it has no records of; a CNAME is
/// followed; a name with any record is NODATA for other types; others are NXDOMAIN.
class ZoneResolver : public dns::Resolver {
 public:
  void add(const std::string& name, const std::string& type, const std::string& data) {
    std::string n = lower(name);
    if (type == "TIMEOUT") {
      timeouts_.insert(n);
      return;
    }
    names_.insert(n);
    if (type == "CNAME") {
      cnames_[n] = lower(data);
      return;
    }
    std::string rr;
    dns::Type t;
    unsigned char buf[16];
    if (type == "A" && inet_pton(AF_INET, data.c_str(), buf) == 1) {
      t = dns::Type::kA;
      rr.assign(reinterpret_cast<char*>(buf), 4);
    } else if (type == "AAAA" && inet_pton(AF_INET6, data.c_str(), buf) == 1) {
      t = dns::Type::kAaaa;
      rr.assign(reinterpret_cast<char*>(buf), 16);
    } else if (type == "MX") {
      t = dns::Type::kMx;
      rr = lower(data.substr(data.find(' ') + 1));
    } else if (type == "PTR") {
      t = dns::Type::kPtr;
      rr = lower(data);
    } else if (type == "TXT") {
      t = dns::Type::kTxt;
      rr = unhex(data);
    } else {
      return;
    }
    records_[{n, t}].push_back(rr);
  }

  dns::Answer query(std::string_view name, dns::Type type) override {
    return lookup(lower(std::string(name)), type, 0);
  }

 private:
  dns::Answer lookup(const std::string& n, dns::Type type, int depth) {
    dns::Answer a;
    size_t start = 0;
    while (true) {
      size_t dot = n.find('.', start);
      size_t len = (dot == std::string::npos ? n.size() : dot) - start;
      if (len > 63) {
        a.status = dns::Status::kPermError;
        a.reason = "label too long";
        return a;
      }
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    if (auto r = records_.find({n, type}); r != records_.end()) {
      a.status = dns::Status::kOk;
      a.records = r->second;
      return a;
    }
    if (timeouts_.count(n)) {
      a.status = dns::Status::kTempError;
      a.reason = "timeout";
      return a;
    }
    if (auto c = cnames_.find(n); c != cnames_.end() && depth < 8)
      return lookup(c->second, type, depth + 1);
    a.status = names_.count(n) ? dns::Status::kNoData : dns::Status::kNxDomain;
    return a;
  }

  std::set<std::string> names_, timeouts_;
  std::map<std::string, std::string> cnames_;
  std::map<std::pair<std::string, dns::Type>, std::vector<std::string>> records_;
};

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> f;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    f.push_back(line.substr(start, tab == std::string::npos ? tab : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  dns::UnboundOptions o;
  bool use_static = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--dns" && i + 1 < argc) {
      o.upstream = argv[++i];
    } else if (a == "--timeout" && i + 1 < argc) {
      o.timeout_ms = static_cast<uint32_t>(std::stoul(argv[++i]));
    } else if (a == "--static") {
      use_static = true;
    } else {
      std::cerr << "usage: spf-suite (--dns HOST[:PORT] | --static) [--timeout MS]\n";
      return a == "--help" ? 0 : 64;
    }
  }
  if (!use_static && o.upstream.empty()) {
    std::cerr << "spf-suite: give --dns HOST[:PORT] or --static\n";
    return 64;
  }

  std::unique_ptr<dns::Resolver> resolver;
  auto fresh = [&]() -> bool {
    if (use_static) {
      resolver = std::make_unique<ZoneResolver>();
      return true;
    }
    auto r = dns::UnboundResolver::create(o);
    if (!r.ok()) {
      std::cerr << "spf-suite: " << r.message() << "\n";
      return false;
    }
    resolver = std::move(r).value();
    return true;
  };
  if (!fresh()) return 69;

  std::string line;
  while (std::getline(std::cin, line)) {
    std::vector<std::string> f = split_tabs(line);
    if (f[0] == "reset") {
      if (!fresh()) return 69;
    } else if (f[0] == "zone" && f.size() == 4 && use_static) {
      static_cast<ZoneResolver*>(resolver.get())->add(f[1], f[2], f[3]);
    } else if (f[0] == "check" && f.size() == 5) {
      spf::Checker checker(*resolver, "receiver.test");
      spf::Envelope env{f[2], f[3], f[4]};
      spf::Verdict v = checker.check_mail_from(env);
      std::cout << f[1] << "\t" << spf::to_string(v.result) << "\t" << v.explanation << "\t"
                << v.problem << std::endl;
    } else if (!line.empty()) {
      std::cerr << "spf-suite: bad line: " << line << "\n";
    }
  }
  return 0;
}
