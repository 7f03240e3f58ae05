/// \file
/// Zone-file TXT text and answer sizes (zone_text.h).
#include "dns/zone_text.h"

#include <algorithm>

namespace postseal::dns {

std::string zone_file_txt(std::string_view text, size_t chunk) {
  chunk = std::clamp<size_t>(chunk, 1, 255);
  std::string out = "( ";
  for (size_t i = 0; i < text.size() || i == 0; i += chunk) {
    if (i) out += "\n\t\t";
    out += '"';
    for (char c : text.substr(i, chunk)) {
      // RFC 1035 §5.1: inside a quoted string, '"' and '\' are escaped with '\'.
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
    if (text.empty()) break;
  }
  out += " )";
  return out;
}

size_t txt_answer_size(std::string_view qname, const std::vector<std::string>& records) {
  if (!qname.empty() && qname.back() == '.') qname.remove_suffix(1);
  // Header (12), question: the name in wire form (labels plus lengths plus the root)
  // and QTYPE/QCLASS (4).
  size_t size = 12 + (qname.empty() ? 1 : qname.size() + 2) + 4;
  for (const auto& r : records) {
    // Each answer: a compression pointer to the question name (2), TYPE, CLASS, TTL,
    // RDLENGTH (10), then one length byte per character-string of up to 255 bytes.
    size_t strings = r.empty() ? 1 : (r.size() + 254) / 255;
    size += 2 + 10 + r.size() + strings;
  }
  return size;
}

}  // namespace postseal::dns
