/// \file
/// Fuzz harness: the next hop's replies as postseal-filter --daemon reads them
/// (lib/smtp/protocol ReplyReader), fed in pieces, and what is taken from a reply.
#include <cstddef>
#include <cstdint>

#include "fuzz_input.h"
#include "smtp/protocol.h"

using namespace postseal;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto in = fuzz::split_input(data, size);
  smtp::ReplyReader replies(512, 16);
  for (auto part : in.parts) {
    replies.feed(part);
    while (auto r = replies.next()) {
      if (!r->ok()) return 0;  // the connection is not usable after an error
      (void)(*r)->text();
      (void)smtp::queued_as(**r);
    }
  }
  return 0;
}
