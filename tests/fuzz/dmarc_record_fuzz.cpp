/// \file
/// Fuzz harness: DMARC Policy Records (RFC 9989 §4.7, §4.8) as they come from DNS.
#include <cstddef>
#include <cstdint>

#include "dmarc/record.h"
#include "fuzz_input.h"

using namespace postseal;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view txt = fuzz::as_text(data, size);
  if (dmarc::is_dmarc_record(txt)) {
    auto r = dmarc::parse_record(txt);
    if (r && r->p) (void)dmarc::to_string(*r->p);
  }
  return 0;
}
