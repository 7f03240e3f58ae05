/// \file
/// Base64 encoding and whitespace-tolerant decoding.
#include "util/base64.h"

#include <array>
#include <cstdint>

namespace postseal {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> make_table() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i)
    t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr auto kDecode = make_table();

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v =
        (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int n = 0;    // sextets in the current quantum
  int pad = 0;  // '=' seen
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '=') {
      if (n < 2) return Error{"base64: misplaced padding"};
      ++pad;
      if (pad > 2) return Error{"base64: too much padding"};
      continue;
    }
    if (pad) return Error{"base64: data after padding"};
    int8_t v = kDecode[static_cast<unsigned char>(c)];
    if (v < 0) return Error{"base64: invalid character"};
    acc = (acc << 6) | uint32_t(v);
    if (++n == 4) {
      out += char(acc >> 16);
      out += char((acc >> 8) & 0xff);
      out += char(acc & 0xff);
      acc = 0;
      n = 0;
    }
  }
  if (pad) {
    if (n + pad != 4) return Error{"base64: bad padding"};
    if (n == 2) {
      out += char((acc >> 4) & 0xff);
    } else {
      out += char((acc >> 10) & 0xff);
      out += char((acc >> 2) & 0xff);
    }
  } else if (n == 1) {
    return Error{"base64: truncated data"};
  } else if (n == 2) {
    // Unpadded input is accepted: some key records omit the padding.
    out += char((acc >> 4) & 0xff);
  } else if (n == 3) {
    out += char((acc >> 10) & 0xff);
    out += char((acc >> 2) & 0xff);
  }
  return out;
}

}  // namespace postseal
