/// \file
/// canon_bench: DKIM body hashing throughput, in MB/s of body: dkim::BodyCanonicalizer
/// feeding one EVP SHA-256 context, as the signer and verifier use them, over the body
/// of a 1 MiB message fed in 64 KiB chunks (as MessageParser hands it over). Four cases:
/// relaxed and simple canonicalization on bench_message.h's whitespace-heavy body and
/// on its plain-prose body; and, as a reference, bare SHA-256 of the same bytes in this
/// process. bench/run sets the numbers beside `openssl speed sha256`; bench/README.md
/// explains them. Single-threaded.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include <openssl/evp.h>

#include "bench/bench_common.h"
#include "bench/bench_message.h"
#include "dkim/canon.h"
#include "util/base64.h"
#include "util/c_handle.h"

namespace postseal::bench {
namespace {

constexpr size_t kChunk = 64 * 1024;
constexpr size_t kMessageBytes = 1024 * 1024;

struct Case {
  const char* name;
  const char* canon;  // "relaxed", "simple", or "none" (bare SHA-256)
  const char* message;
  BodyStyle style;
};

const Case kCases[] = {
    {"relaxed-whitespace", "relaxed", "whitespace", BodyStyle::kWhitespace},
    {"simple-whitespace", "simple", "whitespace", BodyStyle::kWhitespace},
    {"relaxed-prose", "relaxed", "prose", BodyStyle::kProse},
    {"simple-prose", "simple", "prose", BodyStyle::kProse},
    {"sha256-whitespace", "none", "whitespace", BodyStyle::kWhitespace},
};

/// The base64 SHA-256 of `body` canonicalized with `canon` (nullopt: hashed as it is),
/// fed in kChunk pieces. Returns "" when OpenSSL fails.
std::string body_hash(std::string_view body, std::optional<dkim::Canon> canon) {
  EvpMdCtx md(EVP_MD_CTX_new());
  if (!md || EVP_DigestInit_ex(md.get(), EVP_sha256(), nullptr) != 1) return "";
  bool ok = true;
  auto update = [&](std::string_view s) {
    ok = EVP_DigestUpdate(md.get(), s.data(), s.size()) == 1 && ok;
  };
  if (canon) {
    dkim::BodyCanonicalizer c(*canon, update);
    for (size_t off = 0; off < body.size(); off += kChunk) c.feed(body.substr(off, kChunk));
    c.finish();
  } else {
    for (size_t off = 0; off < body.size(); off += kChunk) update(body.substr(off, kChunk));
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ok || EVP_DigestFinal_ex(md.get(), out, &len) != 1) return "";
  return base64_encode(std::string_view(reinterpret_cast<char*>(out), len));
}

void usage(std::ostream& o) {
  o << "usage: canon_bench [--seconds S] [--case NAME]...\n"
       "  --seconds S   time spent on each case (default 2)\n"
       "  --case NAME   run only NAME (relaxed-whitespace, simple-whitespace,\n"
       "                relaxed-prose, simple-prose, sha256-whitespace); repeatable;\n"
       "                default all\n"
       "Prints one line per case: case= canon= message= bytes= runs= seconds= mb_per_s=\n"
       "best_mb_per_s= (the fastest single run) bh= (bytes: the body of the 1 MiB\n"
       "message; MB: 10^6 bytes).\n";
}

int run(int argc, char** argv) {
  BenchArgs args;
  auto no_other = [](std::string_view, const char*) { return 0; };
  if (int rc = parse_bench_args(argc, argv, "canon_bench", usage, no_other, args); rc >= 0)
    return rc;

  const std::string whitespace = make_message(kMessageBytes, BodyStyle::kWhitespace);
  const std::string prose = make_message(kMessageBytes, BodyStyle::kProse);
  for (const auto& c : kCases) {
    if (!args.wanted(c.name)) continue;
    std::string_view body =
        message_body(c.style == BodyStyle::kWhitespace ? whitespace : prose);
    std::optional<dkim::Canon> canon = dkim::parse_canon(c.canon);
    // One untimed run: warms caches and checks that hashing works at all.
    const std::string bh = body_hash(body, canon);
    if (bh.empty()) {
      std::cerr << "canon_bench: " << c.name << ": OpenSSL SHA-256 failed\n";
      return 70;
    }
    // Also the fastest single run: on a shared machine the average counts the time other
    // processes had the core, the fastest run hardly does.
    double best = 1e9;
    Timed t = run_timed(args.seconds, [&] {
      const auto start = std::chrono::steady_clock::now();
      const bool same = body_hash(body, canon) == bh;
      best = std::min(
          best,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      return same;
    });
    if (!t.ok) {
      std::cerr << "canon_bench: " << c.name << ": body hash changed between runs\n";
      return 70;
    }
    const double bytes = static_cast<double>(body.size());
    std::printf(
        "case=%s canon=%s message=%s bytes=%zu runs=%llu seconds=%.3f mb_per_s=%.1f "
        "best_mb_per_s=%.1f bh=%s\n",
        c.name, c.canon, c.message, body.size(), static_cast<unsigned long long>(t.count),
        t.seconds, static_cast<double>(t.count) * bytes / t.seconds / 1e6, bytes / best / 1e6,
        bh.c_str());
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace
}  // namespace postseal::bench

int main(int argc, char** argv) { return postseal::bench::run(argc, argv); }
