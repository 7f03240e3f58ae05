/// \file
/// Fuzz harness: DMARC aggregate reports as they arrive (lib/history report_reader), the
/// bytes of one file taken the way `postseal report read` takes them
/// (tools/report_read.cpp): an mbox ("From " first) split into its mails, each input
/// unpacked by its content (gzip, zip, XML, a mail with report attachments), each
/// document's XML parsed, and each record of a parsed report sorted (report_triage).
/// The limits are the tool's defaults except the inflated-bytes cap, 1 MiB instead of
/// 64: a compression bomb still hits the cap, in a millisecond rather than a second.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_input.h"
#include "history/report_reader.h"
#include "history/report_triage.h"

using namespace postseal;

namespace {

history::ReadLimits fuzz_limits() {
  history::ReadLimits l;
  l.max_inflated_bytes = 1u << 20;
  return l;
}

void read_data(std::string_view data, const history::ReadLimits& limits) {
  history::Unpacked u = history::unpack_report_input(data, limits);
  for (const auto& doc : u.documents) {
    auto rep = history::parse_report_xml(doc.xml, limits);
    if (!rep.ok()) continue;
    for (const auto& r : rep->records) {
      (void)history::to_string(history::classify(r));
      (void)history::fails_dmarc(r);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const history::ReadLimits limits = fuzz_limits();
  std::string_view bytes = fuzz::as_text(data, size);
  if (bytes.starts_with("From ")) {
    for (std::string_view m : history::split_mbox(bytes)) read_data(m, limits);
    return 0;
  }
  read_data(bytes, limits);
  return 0;
}
