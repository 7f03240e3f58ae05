/// \file
/// sign_bench: in-process DKIM signing throughput, in messages per second. Each message
/// goes through what `postseal sign` does between reading its input and writing its
/// output: MessageParser (fed in 64 KiB chunks, as read() would hand them over), body
/// canonicalization and hashing, header selection and canonicalization, and the RSA or
/// Ed25519 signature (relaxed/relaxed, the default header policy). Key loading, process
/// start-up and file I/O are outside the timed loop. bench/run sets the numbers beside
/// `openssl speed` and python3-dkim; bench/README.md explains them. Single-threaded.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bench_common.h"
#include "bench/bench_message.h"
#include "dkim/key.h"
#include "dkim/signer.h"
#include "mail/message_parser.h"

namespace postseal::bench {
namespace {

constexpr size_t kChunk = 64 * 1024;
constexpr int64_t kNow = 1700000000;  // fixed t=, so runs sign identical bytes

struct KeyCase {
  std::string name;  // "rsa2048", "ed25519"
  dkim::KeyType type;
  int bits;
};

struct SizeCase {
  std::string name;  // "4k", "1m"
  size_t bytes;
};

const KeyCase kKeys[] = {{"rsa2048", dkim::KeyType::kRsa, 2048},
                         {"ed25519", dkim::KeyType::kEd25519, 0}};
const SizeCase kSizes[] = {{"4k", 4 * 1024}, {"1m", 1024 * 1024}};

/// Signs one message as `postseal sign` would. Returns the DKIM-Signature field, or an
/// Error from the parser or the signer.
Result<std::string> sign_message(std::string_view msg, const dkim::SignatureSpec& spec,
                                 const dkim::HeaderPolicy& policy) {
  mail::MessageParser parser;
  dkim::Signer signer({spec}, policy, kNow);
  for (size_t off = 0; off < msg.size(); off += kChunk) {
    auto body = parser.feed(msg.substr(off, kChunk));
    if (!body.ok()) return Error{"parse: " + body.message()};
    if (!body->empty()) signer.feed_body(*body);
  }
  if (Status st = parser.finish(); !st.ok()) return Error{"parse: " + st.message()};
  auto sigs = signer.finish(parser.headers(), parser.line_ending());
  if (!sigs.ok()) return Error{"sign: " + sigs.message()};
  return sigs->front();
}

/// The value of tag `tag` (e.g. "bh") in a DKIM-Signature field, unfolded.
std::string tag_value(std::string_view field, std::string_view tag) {
  std::string flat;
  for (char c : field)
    if (c != '\r' && c != '\n' && c != ' ' && c != '\t') flat += c;
  std::string needle = std::string(tag) + "=";
  for (size_t pos = flat.find(':') + 1; pos < flat.size();) {
    size_t end = flat.find(';', pos);
    if (end == std::string::npos) end = flat.size();
    if (flat.compare(pos, needle.size(), needle) == 0)
      return flat.substr(pos + needle.size(), end - pos - needle.size());
    pos = end + 1;
  }
  return "";
}

void usage(std::ostream& o) {
  o << "usage: sign_bench [--seconds S] [--case NAME]... [--out-dir DIR]\n"
       "  --seconds S   time spent on each case (default 2)\n"
       "  --case NAME   run only NAME (rsa2048-4k, rsa2048-1m, ed25519-4k, ed25519-1m);\n"
       "                repeatable; default all four\n"
       "  --out-dir DIR also write the keys (DIR/KEY.pem, PKCS#8) and messages\n"
       "                (DIR/msg-SIZE.eml), so other signers can use the same bytes\n"
       "Prints one line per case: case= key= bytes= messages= seconds= msg_per_s=\n"
       "mb_per_s= bh= (the body hash, for cross-checking other signers).\n";
}

int run(int argc, char** argv) {
  BenchArgs args;
  std::string out_dir;
  auto other = [&](std::string_view name, const char* value) {
    if (name != "--out-dir" || value == nullptr) return 0;
    out_dir = value;
    return 2;
  };
  if (int rc = parse_bench_args(argc, argv, "sign_bench", usage, other, args); rc >= 0)
    return rc;
  const double seconds = args.seconds;
  auto is_wanted = [&](const std::string& name) { return args.wanted(name); };

  std::vector<std::string> messages;
  for (const auto& s : kSizes) {
    messages.push_back(make_message(s.bytes));
    if (!out_dir.empty() && !write_file(out_dir + "/msg-" + s.name + ".eml", messages.back())) {
      std::cerr << "sign_bench: cannot write " << out_dir << "/msg-" << s.name << ".eml\n";
      return 73;
    }
  }
  const dkim::HeaderPolicy policy = dkim::HeaderPolicy::defaults();

  for (const auto& k : kKeys) {
    // Key generation (RSA's especially) would show up in a profile of one case.
    bool key_needed = !out_dir.empty();
    for (const auto& s : kSizes) key_needed = key_needed || is_wanted(k.name + "-" + s.name);
    if (!key_needed) continue;
    auto generated = dkim::PrivateKey::generate(k.type, k.bits);
    if (!generated.ok()) {
      std::cerr << "sign_bench: " << k.name << ": " << generated.message() << "\n";
      return 70;
    }
    auto key = std::make_shared<const dkim::PrivateKey>(std::move(generated).value());
    if (!out_dir.empty() && !write_file(out_dir + "/" + k.name + ".pem", key->private_pem())) {
      std::cerr << "sign_bench: cannot write " << out_dir << "/" << k.name << ".pem\n";
      return 73;
    }
    dkim::SignatureSpec spec;
    spec.domain = "example.com";
    spec.selector = "bench";
    spec.key = key;
    spec.header_canon = dkim::Canon::kRelaxed;
    spec.body_canon = dkim::Canon::kRelaxed;

    for (size_t si = 0; si < std::size(kSizes); ++si) {
      std::string name = k.name + "-" + kSizes[si].name;
      if (!is_wanted(name)) continue;
      const std::string& msg = messages[si];

      // One untimed run: warms caches and checks that signing works at all.
      auto first = sign_message(msg, spec, policy);
      if (!first.ok()) {
        std::cerr << "sign_bench: " << name << ": " << first.message() << "\n";
        return 70;
      }
      size_t out_bytes = 0;  // keeps the work observable
      std::string reason;
      Timed t = run_timed(seconds, [&] {
        auto sig = sign_message(msg, spec, policy);
        if (!sig.ok()) {
          reason = sig.message();
          return false;
        }
        out_bytes += sig->size();
        return true;
      });
      if (!t.ok) {
        std::cerr << "sign_bench: " << name << ": " << reason << "\n";
        return 70;
      }
      double rate = static_cast<double>(t.count) / t.seconds;
      std::printf(
          "case=%s key=%s bytes=%zu messages=%llu seconds=%.3f msg_per_s=%.1f "
          "mb_per_s=%.1f bh=%s sig_bytes=%zu\n",
          name.c_str(), k.name.c_str(), msg.size(), static_cast<unsigned long long>(t.count),
          t.seconds, rate, rate * static_cast<double>(msg.size()) / 1e6,
          tag_value(*first, "bh").c_str(), out_bytes / t.count);
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace
}  // namespace postseal::bench

int main(int argc, char** argv) { return postseal::bench::run(argc, argv); }
