/// \file
/// Fuzz harness: Authentication-Results (RFC 8601) and Received-SPF (RFC 7208 §9.1)
/// field values as they arrive with a message: the full parser, the authserv-id reader,
/// the forged-field finder, the Received-SPF reader and the trusted-SPF choice.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "authres/authres.h"
#include "fuzz_input.h"
#include "mail/header.h"
#include "session/spf_input.h"

using namespace postseal;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view value = fuzz::as_text(data, size);
  auto ar = authres::parse(value);
  if (ar.ok()) {
    // What we parsed must be writable again (the value is hostile; the output is ours).
    (void)authres::format_field(*ar, "\r\n");
  }
  (void)authres::parse_authserv_id(value);
  (void)session::parse_received_spf(value);

  std::vector<mail::HeaderField> fields;
  fields.push_back({"Authentication-Results:" + std::string(value) + "\n"});
  fields.push_back({"Received-SPF:" + std::string(value) + "\n"});
  fields.push_back({"Received: from x by mx.example.org\n"});
  (void)authres::fields_claiming(fields, "mx.example.org");
  (void)session::trusted_spf(fields, session::first_received(fields), "mx.example.org",
                             "mx.example.org");
  return 0;
}
