/// \file
/// Fuzz harness: the Postfix policy delegation protocol as postseal-policyd reads it
/// (policy/request), fed in pieces, and the query each complete request gives.
#include <cstddef>
#include <cstdint>

#include "fuzz_input.h"
#include "policy/decision.h"
#include "policy/request.h"

using namespace postseal;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto in = fuzz::split_input(data, size);
  // Small limits so that the over-long line and too-many-attributes paths are reached.
  policy::RequestParser parser(policy::ParserLimits{256, 16});
  auto drain = [&] {
    while (auto r = parser.next()) {
      if (!r->ok()) continue;
      auto q = policy::parse_query(r->request);
      if (q.ok()) (void)q->envelope();
    }
  };
  for (auto part : in.parts) {
    parser.feed(part);
    drain();
  }
  (void)parser.in_request();
  return 0;
}
