/// \file
/// dns-query: a test driver for lib/dns's libunbound resolver. Reads questions from
/// stdin, one "NAME TYPE" per line, and answers each on one stdout line (flushed), all
/// through one resolver, so a test can watch its cache across a server outage:
///   STATUS[ secure] [RECORD | RECORD ...]     (A/AAAA as text, TXT as received)
///   temperror (REASON)
/// Lines starting with "threads N NAME TYPE" ask the same question from N threads at
/// once and print "threads N STATUS" when every thread got the same status.
///
/// usage: dns-query --dns HOST[:PORT] [--timeout MS] [--trust-anchor FILE]
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>

#include "dns/unbound_resolver.h"

using namespace postseal::dns;

namespace {

bool parse_type(const std::string& s, Type& t) {
  for (Type c : {Type::kA, Type::kAaaa, Type::kTxt, Type::kMx, Type::kPtr})
    if (s == to_string(c)) {
      t = c;
      return true;
    }
  return false;
}

std::string show(const Answer& a, Type t) {
  std::string out(to_string(a.status));
  if (a.secure) out += " secure";
  if (!a.reason.empty()) out += " (" + a.reason + ")";
  for (size_t i = 0; i < a.records.size(); ++i) {
    out += i ? " | " : " ";
    const std::string& r = a.records[i];
    if (t == Type::kA || t == Type::kAaaa) {
      char buf[INET6_ADDRSTRLEN];
      inet_ntop(t == Type::kA ? AF_INET : AF_INET6, r.data(), buf, sizeof buf);
      out += buf;
    } else {
      out += r;
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  UnboundOptions o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--dns" && i + 1 < argc)
      o.upstream = argv[++i];
    else if (a == "--trust-anchor" && i + 1 < argc)
      o.trust_anchor_file = argv[++i];
    else if (a == "--timeout" && i + 1 < argc)
      o.timeout_ms = static_cast<uint32_t>(std::stoul(argv[++i]));
    else if (a == "--help") {
      std::cout << "usage: dns-query --dns HOST[:PORT] [--timeout MS] [--trust-anchor FILE] < "
                   "questions\n";
      return 0;
    } else if (a == "--version") {
      std::cout << "dns-query (postseal tests)\n";
      return 0;
    } else {
      std::cerr << "dns-query: unknown argument " << a << "\n";
      return 64;
    }
  }
  auto r = UnboundResolver::create(o);
  if (!r.ok()) {
    std::cerr << "dns-query: " << r.message() << "\n";
    return 69;
  }
  Resolver& res = *r.value();
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string first, name, type;
    in >> first;
    Type t;
    if (first == "threads") {
      unsigned n = 0;
      in >> n >> name >> type;
      if (!parse_type(type, t) || n == 0 || n > 64) {
        std::cout << "bad question" << std::endl;
        continue;
      }
      std::vector<Status> got(n);
      std::vector<std::thread> pool;
      for (unsigned k = 0; k < n; ++k)
        pool.emplace_back([&, k] { got[k] = res.query(name, t).status; });
      for (auto& th : pool) th.join();
      bool same = true;
      for (Status s : got) same = same && s == got[0];
      std::cout << "threads " << n << " " << (same ? to_string(got[0]) : "mixed") << std::endl;
      continue;
    }
    in >> type;
    if (!parse_type(type, t)) {
      std::cout << "bad question" << std::endl;
      continue;
    }
    std::cout << show(res.query(first, t), t) << std::endl;
  }
  return 0;
}
