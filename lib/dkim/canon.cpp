/// \file
/// RFC 6376 §3.4 canonicalization.
#include "dkim/canon.h"

#include <bit>
#include <cstddef>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace postseal::dkim {
namespace {

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

// Body canonicalization works on runs: stretches of input that canonicalization passes
// on unchanged (in simple, all but line endings; in relaxed, all but line endings and
// whitespace other than a single SP between two other bytes). Runs are found 64 bytes
// at a time: one bit per byte says where a run must stop, computed with SSE2 on x86-64
// and GCC's portable vector extension elsewhere (NEON on arm64). The mask of a block
// serves every stop in it, and the distance to the next stop is one count of trailing
// zeros, so ordinary text costs about one instruction per byte instead of a test and an
// append per byte.
constexpr size_t kBlock = 64;

// True for the bytes that can end a run: CR and LF; in relaxed also SP and HTAB.
template <bool kRelaxed>
bool is_special(char c) {
  return c == '\r' || c == '\n' || (kRelaxed && is_wsp(c));
}

// Two bit masks over the 16 bytes at p, bit i for p[i]: in simple, the CRs and LFs (and
// nothing); in relaxed, the bytes up to SP (unsigned) and the SPs.
struct PartBits {
  uint32_t a, b;
};

#if defined(__SSE2__)

template <bool kRelaxed>
[[gnu::always_inline]] inline PartBits part_bits(const char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  auto bits = [](__m128i m) { return static_cast<uint32_t>(_mm_movemask_epi8(m)); };
  const __m128i sp = _mm_set1_epi8(' ');
  if constexpr (!kRelaxed)
    return {bits(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\r')),
                              _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')))),
            0};
  else
    return {bits(_mm_cmpeq_epi8(_mm_min_epu8(v, sp), v)), bits(_mm_cmpeq_epi8(v, sp))};
}

#else

using Part = unsigned char __attribute__((vector_size(16)));

// One bit per byte of a comparison result (bytes 0x00 or 0xff), byte 0 the lowest bit.
inline uint32_t to_bits(Part m) {
  unsigned char b[16];
  std::memcpy(b, &m, sizeof b);
  uint32_t bits = 0;
  if constexpr (std::endian::native == std::endian::little) {
    // Gathers the low bit of each of eight bytes into the top byte; no two partial
    // products meet, so nothing carries.
    uint64_t w[2];
    std::memcpy(w, b, sizeof w);
    for (size_t i = 0; i < 2; ++i)
      bits |=
          static_cast<uint32_t>(((w[i] & 0x0101010101010101ULL) * 0x0102040810204080ULL) >> 56)
          << (8 * i);
  } else {
    for (size_t i = 0; i < 16; ++i) bits |= static_cast<uint32_t>(b[i] & 1) << i;
  }
  return bits;
}

template <bool kRelaxed>
[[gnu::always_inline]] inline PartBits part_bits(const char* p) {
  Part v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (!kRelaxed)
    return {to_bits((v == '\r') | (v == '\n')), 0};
  else
    return {to_bits(v <= ' '), to_bits(v == ' ')};
}

#endif

// Bit i is set where p[i] ends a run: CR and LF; in relaxed also HTAB, other control
// characters and a SP not followed by a byte above SP. Reads p[0, kBlock] (one byte
// more: relaxed must know what follows a SP). A control character other than CR, LF
// and HTAB needs no change: the caller copies it and goes on.
template <bool kRelaxed>
[[gnu::always_inline]] inline uint64_t stop_mask(const char* p) {
  static_assert(kBlock == 64);
  const PartBits p0 = part_bits<kRelaxed>(p), p1 = part_bits<kRelaxed>(p + 16),
                 p2 = part_bits<kRelaxed>(p + 32), p3 = part_bits<kRelaxed>(p + 48);
  const uint64_t a = p0.a | static_cast<uint64_t>(p1.a) << 16 |
                     static_cast<uint64_t>(p2.a) << 32 | static_cast<uint64_t>(p3.a) << 48;
  const uint64_t b = p0.b | static_cast<uint64_t>(p1.b) << 16 |
                     static_cast<uint64_t>(p2.b) << 32 | static_cast<uint64_t>(p3.b) << 48;
  if constexpr (!kRelaxed) {
    return a;
  } else {
    const uint64_t next_le =
        (a >> 1) | static_cast<uint64_t>(static_cast<unsigned char>(p[kBlock]) <= ' ') << 63;
    return a & ~(b & ~next_le);
  }
}

// The index in p[0, kBlock) of the first byte where a run must stop, or kBlock.
template <bool kRelaxed>
[[gnu::always_inline]] inline size_t block_stop(const char* p) {
  const uint64_t m = stop_mask<kRelaxed>(p);
  return m ? static_cast<size_t>(std::countr_zero(m)) : kBlock;
}

// Scalar block_stop for the last bytes of the input: [p, end) has at most kBlock
// bytes, and a SP at its end stops the run (what follows is not known yet).
template <bool kRelaxed>
size_t tail_stop(const char* p, const char* end) {
  size_t n = static_cast<size_t>(end - p);
  for (size_t i = 0; i < n; ++i) {
    if (p[i] == '\r' || p[i] == '\n') return i;
    if (kRelaxed &&
        (p[i] == '\t' || (p[i] == ' ' && (i + 1 == n || is_special<true>(p[i + 1])))))
      return i;
  }
  return n;
}

// The length of the line ending at p: 1 for LF, 2 for CRLF, 0 for anything else.
size_t line_ending(const char* p, const char* end) {
  if (*p == '\n') return 1;
  return *p == '\r' && end - p > 1 && p[1] == '\n' ? 2 : 0;
}

// The end of the run that starts at p, for runs that go to the sink as they are (see
// BodyCanonicalizer::copy_run): it goes on over control characters and over a CRLF
// between two lines that start with content, and stops at anything else.
template <bool kRelaxed>
const char* scan_run(const char* p, const char* end) {
  while (p < end) {
    size_t k = end - p > static_cast<ptrdiff_t>(kBlock) ? block_stop<kRelaxed>(p)
                                                        : tail_stop<kRelaxed>(p, end);
    p += k;
    if (k == kBlock || p == end) continue;
    if (!is_special<kRelaxed>(*p)) {
      ++p;
      continue;
    }
    if (line_ending(p, end) != 2 || end - p == 2 || is_special<kRelaxed>(p[2])) return p;
    p += 2;
  }
  return p;
}

}  // namespace

std::optional<Canon> parse_canon(std::string_view w) {
  auto eq = [&](std::string_view s) {
    if (w.size() != s.size()) return false;
    for (size_t i = 0; i < s.size(); ++i)
      if (lower(w[i]) != s[i]) return false;
    return true;
  };
  if (eq("simple")) return Canon::kSimple;
  if (eq("relaxed")) return Canon::kRelaxed;
  return std::nullopt;
}

std::string_view to_string(Canon c) { return c == Canon::kSimple ? "simple" : "relaxed"; }

std::optional<std::pair<Canon, Canon>> parse_canon_pair(std::string_view value) {
  size_t slash = value.find('/');
  auto h = parse_canon(value.substr(0, slash));
  if (!h) return std::nullopt;
  if (slash == std::string_view::npos) return std::pair{*h, Canon::kSimple};  // RFC 6376 §3.5
  auto b = parse_canon(value.substr(slash + 1));
  if (!b) return std::nullopt;
  return std::pair{*h, *b};
}

void canonicalize_header(std::string_view raw, Canon c, std::string& out) {
  if (c == Canon::kSimple) {
    // RFC 6376 §3.4.1: unchanged, except that each bare LF stands for the CRLF on the
    // wire, and a field that ends without a line ending gets one.
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) out += '\r';
      out += raw[i];
    }
    if (raw.empty() || raw.back() != '\n') out += "\r\n";
    return;
  }
  // RFC 6376 §3.4.2: lowercase the name; unfold; reduce WSP runs to one SP; drop WSP at
  // the end of the value and around the colon.
  size_t colon = raw.find(':');
  if (colon == std::string_view::npos) colon = raw.size();
  size_t name_end = colon;
  while (name_end > 0 && is_wsp(raw[name_end - 1])) --name_end;
  for (size_t i = 0; i < name_end; ++i) out += lower(raw[i]);
  out += ':';
  bool pending_wsp = false;
  bool started = false;
  for (size_t i = colon + 1; i < raw.size(); ++i) {
    char ch = raw[i];
    if (ch == '\n') continue;
    if (ch == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') continue;
    if (ch == '\r' && i + 1 == raw.size()) continue;
    if (is_wsp(ch)) {
      pending_wsp = true;
      continue;
    }
    if (pending_wsp && started) out += ' ';
    pending_wsp = false;
    started = true;
    out += ch;
  }
  out += "\r\n";
}

BodyCanonicalizer::BodyCanonicalizer(Canon c, Sink sink)
    : canon_(c), sink_(std::move(sink)), buf_(std::make_unique_for_overwrite<char[]>(kChunk)) {}

void BodyCanonicalizer::put(const char* s, size_t n) {
  if (n > kChunk - used_) flush();
  std::memcpy(buf_.get() + used_, s, n);
  used_ += n;
}

void BodyCanonicalizer::flush() {
  if (used_) sink_(std::string_view(buf_.get(), used_));
  used_ = 0;
}

void BodyCanonicalizer::feed(std::string_view data) {
  const char* p = data.data();
  const char* const end = p + data.size();
  if (p == end) return;
  if (pending_cr_) {
    // The CR that ended the last piece: a line ending if this one starts with LF.
    pending_cr_ = false;
    if (*p == '\n') {
      end_line();
      ++p;
    } else {
      begin_content();
      put("\r", 1);
    }
  }
  if (canon_ == Canon::kRelaxed)
    feed_lines<true>(p, end);
  else
    feed_lines<false>(p, end);
  flush();
}

template <bool kRelaxed>
void BodyCanonicalizer::feed_lines(const char* p, const char* end) {
  while (p < end) {
    const char c = *p;
    if (c == '\n') {
      end_line();
      ++p;
    } else if (c == '\r') {
      // A CR is a line ending only together with the LF after it; otherwise content.
      if (p + 1 == end) {
        pending_cr_ = true;
        return;
      }
      if (p[1] == '\n') {
        end_line();
        p += 2;
      } else {
        begin_content();
        put("\r", 1);
        ++p;
      }
    } else if (kRelaxed && is_wsp(c)) {
      // RFC 6376 §3.4.4: a WSP run becomes one SP, or nothing at the end of a line;
      // which of the two is known only at the next byte that is not WSP.
      pending_wsp_ = true;
      do ++p;
      while (p < end && is_wsp(*p));
    } else {
      begin_content();
      p = copy_run<kRelaxed>(p, end);
    }
  }
}

template <bool kRelaxed>
const char* BodyCanonicalizer::copy_run(const char* p, const char* end) {
  // The run is copied into the buffer as it is scanned: each block is stored whole, and
  // what follows the stop is overwritten next. Where the run stops, the common rewrites
  // are made without leaving the loop: a bare LF becomes CRLF; in relaxed a WSP run
  // between two words becomes one SP, and one before a line ending disappears. The
  // loop ends only where the line state is needed: an empty line, a line that starts
  // with WSP, a bare CR, the end of the input. A run that has gone on unchanged for
  // kDirect bytes (a CRLF body) is not copied: the rest of it goes to the sink as a
  // view of the input.
  char* const base = buf_.get();
  char* o = base + used_;
  const char* unchanged_from = p;
  // The block whose stop mask is known: [block, block_end), mask bit i for block[i].
  const char* block = p;
  const char* block_end = p;
  uint64_t mask = 0;
  while (p < end) {
    // Room for a whole block, or for a stop at its last byte and a CRLF.
    if (kChunk - static_cast<size_t>(o - base) < kBlock + 2) {
      used_ = static_cast<size_t>(o - base);
      flush();
      o = base;
    }
    size_t k;
    if (end - p > static_cast<ptrdiff_t>(kBlock)) {
      std::memcpy(o, p, kBlock);
      if (p >= block_end) {
        block = p;
        block_end = p + kBlock;
        mask = stop_mask<kRelaxed>(p);
      }
      // The input does not change: one block's mask serves each stop in it.
      const uint64_t m = mask >> (p - block);
      const size_t clean = static_cast<size_t>(block_end - p);
      k = m ? static_cast<size_t>(std::countr_zero(m)) : clean;
      p += k;
      o += k;
      if (k == clean) {
        if (p != end && p - unchanged_from >= static_cast<ptrdiff_t>(kDirect)) {
          used_ = static_cast<size_t>(o - base);
          flush();
          const char* stop = scan_run<kRelaxed>(p, end);
          sink_(std::string_view(p, static_cast<size_t>(stop - p)));
          return stop;
        }
        continue;
      }
    } else {
      k = tail_stop<kRelaxed>(p, end);
      std::memcpy(o, p, k);
      p += k;
      o += k;
    }
    if (p == end) break;
    // What stopped the run: in relaxed a WSP run maybe, then what follows it.
    const char* q = p;
    if (kRelaxed)
      while (q < end && is_wsp(*q)) ++q;
    if (q == end) break;
    if (!is_special<kRelaxed>(*q)) {
      if (q == p) {
        *o++ = *p++;  // a control character, where the stop mask stops early
        continue;
      }
      *o++ = ' ';  // RFC 6376 §3.4.4 b
      p = unchanged_from = q;
      continue;
    }
    const size_t eol = line_ending(q, end);
    if (eol == 0 || end - q == static_cast<ptrdiff_t>(eol) || is_special<kRelaxed>(q[eol]))
      break;
    // A line ending between two lines that start with content.
    o[0] = '\r';
    o[1] = '\n';
    o += 2;
    if (eol == 1 || q != p) unchanged_from = q + eol;
    p = q + eol;
  }
  used_ = static_cast<size_t>(o - base);
  return p;
}

void BodyCanonicalizer::begin_content() {
  // Empty lines followed by content are not trailing after all: emit them now.
  for (; empty_lines_; --empty_lines_) put("\r\n", 2);
  if (pending_wsp_) put(" ", 1);
  pending_wsp_ = false;
  line_has_content_ = any_content_ = true;
}

void BodyCanonicalizer::end_line() {
  // Relaxed: whitespace at the end of a line is ignored (§3.4.4 a).
  pending_wsp_ = false;
  if (line_has_content_) {
    put("\r\n", 2);
    line_has_content_ = false;
  } else {
    // Possibly a trailing empty line: held back until content follows (§3.4.3, §3.4.4).
    ++empty_lines_;
  }
}

void BodyCanonicalizer::finish() {
  if (pending_cr_) {
    // A CR at the very end is content of the last line.
    pending_cr_ = false;
    begin_content();
    put("\r", 1);
  }
  if (line_has_content_) {
    // A last line without a line ending gets one (§3.4.3, §3.4.4).
    put("\r\n", 2);
    line_has_content_ = false;
  }
  pending_wsp_ = false;
  empty_lines_ = 0;
  // An empty simple body is a single CRLF; an empty relaxed body is empty.
  if (canon_ == Canon::kSimple && !any_content_) put("\r\n", 2);
  flush();
}

}  // namespace postseal::dkim
