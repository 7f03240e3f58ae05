/// \file
/// Fuzz harness: DKIM tag lists (RFC 6376 §3.2) and key records (§3.6.1). The first byte
/// chooses the parser: tag list (strict and lenient), key record, or a DKIM-Signature
/// field value checked by the Verifier against a message and an in-memory DNS (the
/// signature's tags, its h= list and the key lookup).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dkim/key_record.h"
#include "dkim/tag_list.h"
#include "dkim/verifier.h"
#include "dns/static_resolver.h"
#include "fuzz_input.h"
#include "mail/header.h"

using namespace postseal;

namespace {

void tag_list(std::string_view text) {
  auto tags = dkim::parse_tag_list(text);
  if (tags.ok())
    for (const auto& t : *tags) (void)dkim::split_colon_list(t.value);
  auto lenient = dkim::scan_tags_leniently(text);
  (void)dkim::find_tag(lenient, "d");
}

void key_record(std::string_view text) {
  auto k = dkim::parse_key_record(text);
  if (k.ok()) (void)k->verify_digest(std::string(32, 'x'), std::string(64, 'y'));
}

void signature(std::string_view value) {
  // A fresh resolver per input: a StaticResolver logs every query, and one kept for
  // the whole run would grow without end (and make every leak check slower).
  dns::StaticResolver dns;
  dns.add_txt("brisbane._domainkey.football.example.com",
              "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
  std::vector<mail::HeaderField> headers;
  headers.push_back({"DKIM-Signature:" + std::string(value) + "\r\n"});
  headers.push_back({"From: Joe SixPack <joe@football.example.com>\r\n"});
  headers.push_back({"To: Suzie Q <suzie@shopping.example.net>\r\n"});
  headers.push_back({"Subject: Is dinner ready?\r\n"});
  dkim::Verifier v(std::move(headers), dns, 1528637909);
  v.feed_body("Hi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n");
  (void)v.finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text = fuzz::as_text(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      tag_list(text);
      break;
    case 1:
      key_record(text);
      break;
    default:
      signature(text);
      break;
  }
  return 0;
}
