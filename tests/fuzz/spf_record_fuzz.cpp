/// \file
/// Fuzz harness: the strict RFC 7208 §12 syntax check of SPF records (lib/spf
/// record_check), for both address families, and the explanation and domain checks.
#include <cstddef>
#include <cstdint>

#include "fuzz_input.h"
#include "spf/record_check.h"

using namespace postseal;
using namespace postseal::spf::detail;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view txt = fuzz::as_text(data, size);
  if (is_spf_record(txt)) {
    (void)check_record(txt, Family::kIpv4, "example.com");
    (void)check_record(txt, Family::kIpv6, "example.com");
  }
  (void)is_valid_explanation(txt);
  (void)is_valid_domain(txt);
  return 0;
}
