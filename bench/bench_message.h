/// \file
/// The deterministic test messages the benchmarks share: a submitted-mail header block
/// and a prose-like plain-text body with LF line endings, as Postfix's pipe(8) hands mail
/// over. sign_bench writes them for the other signers and verifiers; canon_bench times
/// body canonicalization on them. Header-only; bench programs only, never the library.
#ifndef POSTSEAL_BENCH_BENCH_MESSAGE_H
#define POSTSEAL_BENCH_BENCH_MESSAGE_H

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

namespace postseal::bench {

/// A small deterministic generator (xorshift64), so every run and every tool sees the
/// same message bytes.
class Rng {
 public:
  uint64_t next() {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 7;
    s_ ^= s_ << 17;
    return s_;
  }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }

 private:
  uint64_t s_ = 0x9e3779b97f4a7c15ULL;
};

enum class BodyStyle {
  /// What relaxed canonicalization has to rewrite, often: runs of spaces, tabs,
  /// trailing whitespace, inner and trailing empty lines. sign_bench's messages.
  kWhitespace,
  /// Plain prose: words separated by one space, nothing at the ends of lines, an empty
  /// line between paragraphs. Relaxed canonicalization changes only LF to CRLF.
  kProse,
};

/// A message of exactly `size` bytes with LF line endings. Both styles draw the same
/// random numbers, so they have the same words and line breaks.
inline std::string make_message(size_t size, BodyStyle style = BodyStyle::kWhitespace) {
  const bool ws = style == BodyStyle::kWhitespace;
  std::string m =
      "Received: from client.example.net (client.example.net [192.0.2.10])\n"
      "\tby mail.example.com (Postfix) with ESMTPSA id 4Xq1Zk3yz\n"
      "\tfor <bob@example.org>; Tue, 14 Nov 2023 22:13:20 +0000 (UTC)\n"
      "From: Alice Example <alice@example.com>\n"
      "To: Bob Example <bob@example.org>\n"
      "Cc: carol@example.org\n"
      "Subject: Quarterly figures, draft 3 (please review before\n"
      " Friday)\n"
      "Date: Tue, 14 Nov 2023 22:13:20 +0000\n"
      "Message-ID: <20231114221320.4Xq1Zk3yz@mail.example.com>\n"
      "MIME-Version: 1.0\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "Content-Transfer-Encoding: 8bit\n"
      "\n";
  static const char* const kWords[] = {
      "the",     "figures", "for",  "quarter", "are",      "attached", "and",
      "revenue", "grew",    "by",   "four",    "percent",  "while",    "costs",
      "stayed",  "flat",    "see",  "table",   "below",    "numbers",  "in",
      "EUR",     "42",      "1337", "draft",   "please",   "review",   "before",
      "Friday",  "thanks",  "--",   "a",       "projected"};
  Rng rng;
  std::string line;
  // Leave room for the final "\n\n\n" (trailing empty lines, which relaxed body
  // canonicalization removes).
  while (m.size() + 3 < size) {
    line.clear();
    size_t width = 50 + rng.below(27);
    while (line.size() < width) {
      if (!line.empty()) {
        std::string_view sep = rng.below(8) == 0 ? "  " : (rng.below(20) == 0 ? "\t" : " ");
        line += ws ? sep : " ";
      }
      line += kWords[rng.below(std::size(kWords))];
    }
    if (rng.below(6) == 0) {
      std::string_view trail = rng.below(2) ? " " : " \t ";
      if (ws) line += trail;
    }
    line += '\n';
    if (rng.below(12) == 0) line += '\n';
    // The loop condition leaves room >= 1; cut the last line to fit exactly, still
    // ending with LF.
    size_t room = size - 3 - m.size();
    if (line.size() > room) {
      line.resize(room - 1);
      line += '\n';
    }
    m += line;
  }
  while (m.size() < size) m += '\n';
  return m;
}

/// The body of a message made by make_message(): what follows the empty line.
inline std::string_view message_body(std::string_view msg) {
  size_t at = msg.find("\n\n");
  return at == std::string_view::npos ? std::string_view() : msg.substr(at + 2);
}

}  // namespace postseal::bench

#endif  // POSTSEAL_BENCH_BENCH_MESSAGE_H
