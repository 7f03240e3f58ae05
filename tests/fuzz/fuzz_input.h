/// \file
/// What every libFuzzer harness of tests/fuzz shares: the split of one fuzz input into
/// the pieces a streaming parser is fed with. The first byte of the input is the seed of
/// the split (0: the whole rest in one piece; otherwise piece sizes 1..seed drawn from a
/// xorshift generator seeded with it), so libFuzzer mutates the chunk boundaries along
/// with the bytes and a crash input replays with the same boundaries. Header-only; the
/// harnesses are built with clang (tests/fuzz/Makefile.inc), not with the project's g++.
#ifndef POSTSEAL_TESTS_FUZZ_FUZZ_INPUT_H
#define POSTSEAL_TESTS_FUZZ_FUZZ_INPUT_H

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace postseal::fuzz {

/// The input after its split byte, cut into pieces; views point into the input.
struct Pieces {
  std::string_view whole;  ///< everything after the split byte
  std::vector<std::string_view> parts;
};

inline Pieces split_input(const uint8_t* data, size_t size) {
  Pieces p;
  if (size == 0) return p;
  unsigned seed = data[0];
  p.whole = std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (seed == 0) {
    p.parts.push_back(p.whole);
    return p;
  }
  uint32_t x = seed * 2654435761u | 1u;
  for (size_t at = 0; at < p.whole.size();) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    size_t n = 1 + x % seed;
    p.parts.push_back(p.whole.substr(at, n));
    at += n;
  }
  return p;
}

/// The input as text, for the parsers that take one whole value.
inline std::string_view as_text(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

}  // namespace postseal::fuzz

#endif  // POSTSEAL_TESTS_FUZZ_FUZZ_INPUT_H
