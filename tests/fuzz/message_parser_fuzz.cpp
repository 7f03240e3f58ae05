/// \file
/// Fuzz harness: the incremental RFC 5322 reader (lib/mail/message_parser) fed in pieces,
/// then the header helpers and the From address parser on what it produced.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_input.h"
#include "mail/address.h"
#include "mail/header.h"
#include "mail/message_parser.h"

using namespace postseal;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto in = fuzz::split_input(data, size);
  // Small limits so that the limit paths are reached too.
  mail::MessageParser parser(mail::ParseLimits{
      .max_header_fields = 64, .max_field_bytes = 4096, .max_header_bytes = 16 * 1024});
  size_t body = 0;
  bool ok = true;
  for (auto part : in.parts) {
    auto r = parser.feed(part);
    if (!r.ok()) {
      ok = false;
      break;
    }
    body += r->size();
  }
  if (ok && parser.finish().ok()) {
    for (const auto& f : parser.headers()) {
      (void)f.name();
      (void)mail::unfold(f.value());
    }
    if (const auto* from = mail::find_field(parser.headers(), "From")) {
      auto list = mail::parse_address_list(from->value());
      if (list.ok())
        for (const auto& a : *list) (void)mail::domain_of(a);
      (void)mail::single_author(from->value());
    }
  }
  (void)body;
  return 0;
}
