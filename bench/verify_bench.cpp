/// \file
/// verify_bench: in-process DKIM verification throughput, in messages per second: the
/// daemon case, where the key record is already at hand. Each message goes through what
/// `postseal verify` does between reading its input and printing: MessageParser (fed in
/// 64 KiB chunks), a fresh dkim::Verifier fed the body, and finish(), which fetches the
/// key record (from a dns::StaticResolver holding it: no network), parses it and checks
/// the signature. With --prepare it also makes the signed messages the other verifiers
/// use (bench/verify_run). bench/README.md explains the numbers. Single-threaded.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bench_common.h"
#include "dkim/key.h"
#include "dkim/signer.h"
#include "dkim/verifier.h"
#include "dns/static_resolver.h"
#include "mail/message_parser.h"

namespace postseal::bench {
namespace {

constexpr size_t kChunk = 64 * 1024;
constexpr int64_t kSignTime = 1700000000;  // fixed t=, so runs produce identical bytes
constexpr int64_t kVerifyTime = 1700000600;

const char* const kKeys[] = {"rsa2048", "ed25519"};
const char* const kSizes[] = {"4k", "1m"};

/// Signs `msg` with `key` (d=example.com, s=`selector`, relaxed/relaxed, the default
/// header policy) and returns the message with the DKIM-Signature field prepended, or an
/// Error.
Result<std::string> sign(std::string_view msg, std::shared_ptr<const dkim::PrivateKey> key,
                         const std::string& selector) {
  dkim::SignatureSpec spec;
  spec.domain = "example.com";
  spec.selector = selector;
  spec.key = std::move(key);
  spec.header_canon = dkim::Canon::kRelaxed;
  spec.body_canon = dkim::Canon::kRelaxed;
  mail::MessageParser parser;
  dkim::Signer signer({spec}, dkim::HeaderPolicy::defaults(), kSignTime);
  auto body = parser.feed(msg);
  if (!body.ok()) return Error{"parse: " + body.message()};
  signer.feed_body(*body);
  if (Status st = parser.finish(); !st.ok()) return Error{"parse: " + st.message()};
  auto sigs = signer.finish(parser.headers(), parser.line_ending());
  if (!sigs.ok()) return Error{"sign: " + sigs.message()};
  return sigs->front() + std::string(msg);
}

/// Verifies one message as `postseal verify` does, keys from `resolver`. Returns the
/// verdict of the first signature, or "none".
std::string verify(std::string_view msg, dns::Resolver& resolver) {
  mail::MessageParser parser;
  std::unique_ptr<dkim::Verifier> verifier;
  for (size_t off = 0; off < msg.size(); off += kChunk) {
    auto body = parser.feed(msg.substr(off, kChunk));
    if (!body.ok()) return "parse error";
    if (parser.headers_done() && !verifier)
      verifier = std::make_unique<dkim::Verifier>(parser.headers(), resolver, kVerifyTime);
    if (verifier) verifier->feed_body(*body);
  }
  if (!parser.finish().ok()) return "parse error";
  if (!verifier)
    verifier = std::make_unique<dkim::Verifier>(parser.headers(), resolver, kVerifyTime);
  auto results = verifier->finish();
  if (results.empty()) return "none";
  const auto& r = results.front();
  std::string out(dkim::to_string(r.verdict));
  if (!r.reason.empty()) out += " (" + r.reason + ")";
  return out;
}

/// Reads DIR/KEY.pem and DIR/msg-SIZE.eml (sign_bench --out-dir writes them) and writes
/// DIR/KEY.record (the key record, published at KEY._domainkey.example.com) and
/// DIR/signed-KEY-SIZE.eml (signed with s=KEY). Returns an exit code.
int prepare(const std::string& dir) {
  for (const char* k : kKeys) {
    std::string pem;
    if (!read_file(dir + "/" + k + ".pem", pem)) {
      std::cerr << "verify_bench: cannot read " << dir << "/" << k << ".pem\n";
      return 66;
    }
    auto parsed = dkim::PrivateKey::parse(pem);
    if (!parsed.ok()) {
      std::cerr << "verify_bench: " << k << ".pem: " << parsed.message() << "\n";
      return 65;
    }
    auto key = std::make_shared<const dkim::PrivateKey>(std::move(parsed).value());
    if (!write_file(dir + "/" + k + ".record", key->public_record() + "\n")) {
      std::cerr << "verify_bench: cannot write " << dir << "/" << k << ".record\n";
      return 73;
    }
    for (const char* s : kSizes) {
      std::string msg;
      if (!read_file(dir + "/msg-" + s + ".eml", msg)) {
        std::cerr << "verify_bench: cannot read " << dir << "/msg-" << s << ".eml\n";
        return 66;
      }
      auto signed_msg = sign(msg, key, k);
      if (!signed_msg.ok()) {
        std::cerr << "verify_bench: " << k << "-" << s << ": " << signed_msg.message() << "\n";
        return 70;
      }
      std::string out = dir + "/signed-" + k + "-" + s + ".eml";
      if (!write_file(out, *signed_msg)) {
        std::cerr << "verify_bench: cannot write " << out << "\n";
        return 73;
      }
    }
  }
  return 0;
}

void usage(std::ostream& o) {
  o << "usage: verify_bench --dir DIR [--prepare] [--seconds S] [--case NAME]...\n"
       "  --dir DIR     where the keys and messages are (sign_bench --out-dir DIR)\n"
       "  --prepare     only write DIR/KEY.record (for KEY._domainkey.example.com) and\n"
       "                DIR/signed-KEY-SIZE.eml (d=example.com, s=KEY)\n"
       "  --seconds S   time spent on each case (default 2)\n"
       "  --case NAME   run only NAME (rsa2048-4k, rsa2048-1m, ed25519-4k, ed25519-1m);\n"
       "                repeatable; default all four\n"
       "Without --prepare, verifies DIR/signed-NAME.eml in a loop, the key record\n"
       "(DIR/KEY.record) served by an in-memory resolver, and prints one line per case:\n"
       "case= key= bytes= messages= seconds= msg_per_s= mb_per_s= result=\n";
}

int run(int argc, char** argv) {
  BenchArgs args;
  std::string dir;
  bool only_prepare = false;
  auto other = [&](std::string_view name, const char* value) {
    if (name == "--prepare") {
      only_prepare = true;
      return 1;
    }
    if (name != "--dir" || value == nullptr) return 0;
    dir = value;
    return 2;
  };
  if (int rc = parse_bench_args(argc, argv, "verify_bench", usage, other, args); rc >= 0)
    return rc;
  if (dir.empty()) {
    usage(std::cerr);
    return 64;
  }
  if (only_prepare) return prepare(dir);

  for (const char* k : kKeys) {
    for (const char* s : kSizes) {
      std::string name = std::string(k) + "-" + s;
      if (!args.wanted(name)) continue;
      std::string msg, record;
      if (!read_file(dir + "/signed-" + name + ".eml", msg) ||
          !read_file(dir + "/" + k + ".record", record)) {
        std::cerr << "verify_bench: " << name << ": run with --prepare first\n";
        return 66;
      }
      while (!record.empty() && (record.back() == '\n' || record.back() == '\r'))
        record.pop_back();
      dns::StaticResolver resolver;
      resolver.add_txt(std::string(k) + "._domainkey.example.com", record);

      // One untimed run: warms caches, and a benchmark of a failing check is worthless.
      std::string first = verify(msg, resolver);
      if (first != "pass") {
        std::cerr << "verify_bench: " << name << ": " << first << "\n";
        return 70;
      }
      std::string verdict;
      Timed t = run_timed(args.seconds, [&] {
        verdict = verify(msg, resolver);
        return verdict == "pass";
      });
      if (!t.ok) {
        std::cerr << "verify_bench: " << name << ": " << verdict << "\n";
        return 70;
      }
      double rate = static_cast<double>(t.count) / t.seconds;
      std::printf(
          "case=%s key=%s bytes=%zu messages=%llu seconds=%.3f msg_per_s=%.1f "
          "mb_per_s=%.1f result=pass\n",
          name.c_str(), k, msg.size(), static_cast<unsigned long long>(t.count), t.seconds,
          rate, rate * static_cast<double>(msg.size()) / 1e6);
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace
}  // namespace postseal::bench

int main(int argc, char** argv) { return postseal::bench::run(argc, argv); }
