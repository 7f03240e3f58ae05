/// \file
/// TXT records as people publish them: the zone-file (RFC 1035 §5.1) form with the text
/// cut into character-strings of at most 255 bytes (RFC 1035 §3.3.14, RFC 6376
/// §3.6.2.2), and the size of the DNS answer that carries them, so a tool can tell
/// whether a record fits a plain 512-byte UDP answer (RFC 1035 §4.2.1). Pure; no I/O.
#ifndef POSTSEAL_DNS_ZONE_TEXT_H
#define POSTSEAL_DNS_ZONE_TEXT_H

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace postseal::dns {

/// Largest DNS message a resolver without EDNS0 takes over UDP (RFC 1035 §4.2.1).
inline constexpr size_t kPlainUdpSize = 512;

/// `text` as zone-file TXT data: "( "..." "..." )" with strings of at most `chunk`
/// (1..255) bytes, continuation lines indented by two tabs; '"' and '\' are escaped.
/// Never fails.
std::string zone_file_txt(std::string_view text, size_t chunk = 250);

/// The size in bytes of a DNS response to a TXT question for `qname` carrying
/// `records` (each split into 255-byte strings), with name compression as servers do
/// it and no EDNS0 OPT record. Never fails.
size_t txt_answer_size(std::string_view qname, const std::vector<std::string>& records);

}  // namespace postseal::dns

#endif  // POSTSEAL_DNS_ZONE_TEXT_H
