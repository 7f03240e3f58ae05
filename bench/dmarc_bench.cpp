/// \file
/// dmarc_bench: DMARC evaluations per second and what the history store costs per
/// message, in process, one thread (bench/dmarc_run runs it and prints the table).
///
/// Cases (--case NAME, repeatable; all by default):
///   postseal-unbound   dmarc::Evaluator per message (as the session makes one) on the
///                      real dns::UnboundResolver asking --dns HOST:PORT (NSD), cache warm
///   postseal-memory    the same with every answer from an in-process map filled on the
///                      first asking: the evaluation alone, no DNS and no resolver locking
///   opendmarc          libopendmarc 1.4.2 on the same inputs, the record handed in with
///                      opendmarc_policy_store_dmarc (it does no DNS then), the public
///                      suffix list loaded once: the fair partner of postseal-memory
///   history-open-insert  per message: open the SQLite store, insert one row, close
///                      (history::record_after_delivery's work, pipe mode)
///   history-insert     per message: one row in its own transaction on an open store
///   history-push       per message: BatchWriter::push (what the mail path pays), with
///                      the rows written behind it in batches; also prints rows/s written
/// Output: one line per case, "case=NAME per_s=X", plus "verdicts=..." for the DMARC cases
/// (so a run can check that both implementations judged the inputs alike).
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <opendmarc/dmarc.h>
#include <unistd.h>

#include "bench/bench_common.h"
#include "dmarc/evaluate.h"
#include "dns/static_resolver.h"
#include "dns/unbound_resolver.h"
#include "history/batch_writer.h"
#include "history/row.h"
#include "history/store.h"

namespace postseal::bench {
namespace {

// The published records (one zone in bench/dmarc_run has the same).
const char* const kComRecord = "v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.com";

// One message's DMARC inputs, and what RFC 9989 says of it.
struct Case {
  const char* from;    // Author Domain
  const char* dkim;    // d= of a passing signature, or ""
  const char* spf;     // domain of an SPF pass, or ""
  const char* org;     // its Organizational Domain (for libopendmarc)
  const char* expect;  // "pass" or "fail"
};
// Aligned DKIM; relaxed DKIM from a subdomain; nothing aligned (p=reject); a subdomain
// author (sp) with a relaxed SPF pass; a foreign DKIM pass only.
const Case kCases[] = {
    {"example.com", "example.com", "", "example.com", "pass"},
    {"example.com", "mail.example.com", "", "example.com", "pass"},
    {"example.com", "", "", "example.com", "fail"},
    {"news.example.com", "", "bounce.example.com", "example.com", "pass"},
    {"example.com", "esp.example.net", "esp.example.net", "example.com", "fail"},
};

void usage(std::ostream& out) {
  out << "usage: dmarc_bench [--seconds S] [--case NAME]... [--dns HOST:PORT] [--dir DIR]\n";
}

dmarc::Input input_of(const Case& c) {
  dmarc::Input in;
  in.author_domain = c.from;
  if (*c.dkim) in.dkim.push_back({c.dkim, "s1", true});
  in.spf_result = *c.spf ? "pass" : "fail";
  in.spf_domain = *c.spf ? c.spf : c.from;
  return in;
}

// Answers kept in a map after the first asking: what a warm cache gives with no locking
// and no bookkeeping, so that the evaluation itself is what is timed.
class MapResolver : public dns::Resolver {
 public:
  explicit MapResolver(dns::Resolver& upstream) : upstream_(upstream) {}
  dns::Answer query(std::string_view name, dns::Type type) override {
    auto key = std::make_pair(std::string(name), type);
    auto it = answers_.find(key);
    if (it == answers_.end()) it = answers_.emplace(key, upstream_.query(name, type)).first;
    return it->second;
  }

 private:
  dns::Resolver& upstream_;
  std::map<std::pair<std::string, dns::Type>, dns::Answer> answers_;
};

// The DMARC cases: evaluations per second over the inputs in turn, and their verdicts.
void report(const char* name, const Timed& t, const std::string& verdicts) {
  std::cout << "case=" << name << " per_s=" << (t.ok ? t.count / t.seconds : 0)
            << " verdicts=" << verdicts << (t.ok ? "" : " failed=1") << "\n";
}

void postseal_cases(dns::Resolver& resolver, const char* name, double seconds) {
  std::string verdicts;
  for (const auto& c : kCases) {
    dmarc::Evaluator ev(resolver);  // warms the resolver's cache
    verdicts += std::string(verdicts.empty() ? "" : ",") +
                std::string(dmarc::to_string(ev.evaluate(input_of(c)).result));
  }
  std::vector<dmarc::Input> inputs;
  for (const auto& c : kCases) inputs.push_back(input_of(c));
  size_t i = 0;
  Timed t = run_timed(seconds, [&] {
    dmarc::Evaluator ev(resolver);  // one per message, as session::Session makes one
    auto r = ev.evaluate(inputs[i++ % inputs.size()]).result;
    return r == dmarc::Result::kPass || r == dmarc::Result::kFail;
  });
  report(name, t, verdicts);
}

// libopendmarc on one input: connect, From domain, the record (no DNS), DKIM, SPF,
// the policy to enforce. Returns "pass", "fail" or "error".
std::string opendmarc_once(const Case& c) {
  DMARC_POLICY_T* p = opendmarc_policy_connect_init(
      reinterpret_cast<u_char*>(const_cast<char*>("192.0.2.1")), DMARC_POLICY_IP_TYPE_IPV4);
  if (p == nullptr) return "error";
  auto u = [](const char* s) { return reinterpret_cast<u_char*>(const_cast<char*>(s)); };
  std::string out = "error";
  if (opendmarc_policy_store_from_domain(p, u(c.from)) == DMARC_PARSE_OKAY &&
      opendmarc_policy_store_dmarc(p, u(kComRecord), u(c.from), u(c.org)) == DMARC_PARSE_OKAY) {
    if (*c.dkim)
      opendmarc_policy_store_dkim(p, u(c.dkim), u("s1"), DMARC_POLICY_DKIM_OUTCOME_PASS,
                                  u("pass"));
    opendmarc_policy_store_spf(
        p, u(*c.spf ? c.spf : c.from),
        *c.spf ? DMARC_POLICY_SPF_OUTCOME_PASS : DMARC_POLICY_SPF_OUTCOME_FAIL,
        DMARC_POLICY_SPF_ORIGIN_MAILFROM, nullptr);
    int r = opendmarc_get_policy_to_enforce(p);
    out = r == DMARC_POLICY_PASS                                     ? "pass"
          : r == DMARC_POLICY_REJECT || r == DMARC_POLICY_QUARANTINE ? "fail"
                                                                     : "error";
  }
  opendmarc_policy_connect_shutdown(p);
  return out;
}

void opendmarc_case(double seconds) {
  OPENDMARC_LIB_T lib{};
  lib.tld_type = OPENDMARC_TLD_TYPE_MOZILLA;
  std::strncpy(reinterpret_cast<char*>(lib.tld_source_file),
               "/usr/share/publicsuffix/public_suffix_list.dat",
               sizeof lib.tld_source_file - 1);
  if (opendmarc_policy_library_init(&lib) != DMARC_PARSE_OKAY) {
    std::cerr << "dmarc_bench: opendmarc_policy_library_init failed\n";
    report("opendmarc", Timed{0, 0, false}, "");
    return;
  }
  std::string verdicts;
  for (const auto& c : kCases)
    verdicts += std::string(verdicts.empty() ? "" : ",") + opendmarc_once(c);
  size_t i = 0;
  Timed t = run_timed(
      seconds, [&] { return opendmarc_once(kCases[i++ % std::size(kCases)]) != "error"; });
  report("opendmarc", t, verdicts);
  opendmarc_policy_library_shutdown(&lib);
}

// A row as a failing message from the benchmark's inputs would give.
history::Row sample_row(int64_t time) {
  history::Row r;
  r.time = time;
  r.source_ip = "192.0.2.1";
  r.header_from = r.envelope_from = r.policy_domain = r.spf_domain = "example.com";
  r.envelope_to = "rcpt.example";
  r.p = "reject";
  r.sp = "quarantine";
  r.adkim = r.aspf = "r";
  r.testing = "n";
  r.psd = "u";
  r.dmarc_result = "fail";
  r.disposition_applied = "none";
  r.disposition_requested = "reject";
  r.override_reason = "local_policy";
  r.spf_scope = "mfrom";
  r.spf_result = "fail";
  r.dkim.push_back({"esp.example.net", "s1", "pass"});
  return r;
}

void history_cases(const BenchArgs& args, const std::string& dir) {
  const std::string spec = "sqlite:" + dir + "/history-bench.db";
  int64_t n = 0;
  if (args.wanted("history-open-insert")) {
    Timed t = run_timed(args.seconds, [&] {
      auto store = history::open_store(spec, 2);
      store->insert({sample_row(++n)});
      return true;
    });
    std::cout << "case=history-open-insert per_s=" << t.count / t.seconds << "\n";
  }
  if (args.wanted("history-insert")) {
    auto store = history::open_store(spec, 2);
    Timed t = run_timed(args.seconds, [&] {
      store->insert({sample_row(++n)});
      return true;
    });
    std::cout << "case=history-insert per_s=" << t.count / t.seconds << "\n";
  }
  if (args.wanted("history-push")) {
    // The queue is large enough that nothing is dropped while the writer catches up;
    // flush() afterwards says how long writing took.
    history::BatchWriter w([&] { return history::open_store(spec, 2); },
                           [](const std::string& s) { std::cerr << s << "\n"; }, 50000000, 200);
    auto start = std::chrono::steady_clock::now();
    Timed t = run_timed(args.seconds, [&] { return w.push(sample_row(++n)); });
    w.flush();
    double all =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "case=history-push per_s=" << t.count / t.seconds
              << " written_per_s=" << w.written() / all << " dropped=" << w.dropped()
              << " failed=" << w.failed() << "\n";
  }
}

int run(int argc, char** argv) {
  BenchArgs args;
  std::string upstream, dir = "/tmp";
  int rc = parse_bench_args(
      argc, argv, "dmarc_bench", usage,
      [&](std::string_view name, const char* value) {
        if ((name == "--dns" || name == "--dir") && value != nullptr) {
          (name == "--dns" ? upstream : dir) = value;
          return 2;
        }
        return 0;
      },
      args);
  if (rc >= 0) return rc;

  if (args.wanted("postseal-unbound")) {
    if (upstream.empty()) {
      std::cerr << "dmarc_bench: postseal-unbound needs --dns HOST:PORT\n";
      return 64;
    }
    dns::UnboundOptions o;
    o.upstream = upstream;
    o.timeout_ms = 2000;
    auto r = dns::UnboundResolver::create(o);
    if (!r.ok()) {
      std::cerr << "dmarc_bench: " << r.message() << "\n";
      return 1;
    }
    postseal_cases(**r, "postseal-unbound", args.seconds);
  }
  if (args.wanted("postseal-memory")) {
    dns::StaticResolver dns;
    dns.add_txt("_dmarc.example.com", kComRecord);
    dns.add_address("news.example.com", "192.0.2.2");
    MapResolver map(dns);
    postseal_cases(map, "postseal-memory", args.seconds);
  }
  if (args.wanted("opendmarc")) opendmarc_case(args.seconds);
  history_cases(args, dir);
  return 0;
}

}  // namespace
}  // namespace postseal::bench

int main(int argc, char** argv) { return postseal::bench::run(argc, argv); }
