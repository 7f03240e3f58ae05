/// \file
/// Fuzz harness: what an SMTP client sends to postseal-filter --daemon, read as it
/// arrives (lib/smtp/protocol): command lines through the LineReader and parse_command
/// (and parse_xforward for XFORWARD), and after DATA the DataReader on the rest, which
/// may hold the next pipelined commands after the end of data.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "fuzz_input.h"
#include "smtp/protocol.h"

using namespace postseal;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto in = fuzz::split_input(data, size);
  smtp::LineReader lines(512);
  smtp::Xforward xforward;
  std::optional<smtp::DataReader> body;
  uint64_t out = 0;
  auto sink = [&](std::string_view d) { out += d.size(); };

  // Hands bytes to whichever reader is current; a DATA command switches to the
  // DataReader, and its end switches back with the bytes it did not consume.
  auto take = [&](auto&& self, std::string_view bytes) -> void {
    if (body) {
      size_t used = body->feed(bytes, sink);
      if (!body->done()) return;
      body.reset();
      self(self, bytes.substr(used));
      return;
    }
    lines.feed(bytes);
    while (auto line = lines.next()) {
      if (!line->ok()) continue;
      auto cmd = smtp::parse_command(**line);
      if (!cmd.ok()) continue;
      if (cmd->verb == smtp::Verb::kXforward)
        (void)smtp::parse_xforward(cmd->argument, xforward);
      if (cmd->verb == smtp::Verb::kData) {
        body.emplace(smtp::DataReader::Limits{64 * 1024, 998});
        self(self, lines.take_rest());
        return;
      }
    }
  };
  for (auto part : in.parts) take(take, part);
  (void)out;
  return 0;
}
