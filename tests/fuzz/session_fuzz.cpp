/// \file
/// Fuzz harness: a whole message session (lib/session) fed in pieces: the header parser,
/// signing, DKIM verification against an in-memory DNS, trusted Received-SPF and
/// Authentication-Results, DMARC, and the rewritten output.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "dkim/key.h"
#include "dns/static_resolver.h"
#include "fuzz_input.h"
#include "session/session.h"

using namespace postseal;

namespace {

constexpr int64_t kNow = 1700000000;

/// The DNS of one input. Made afresh each time: a StaticResolver logs every query, and
/// one kept for the whole run would grow without end (and make every leak check slower).
struct Dns {
  dns::StaticResolver dns;
  Dns() {
    dns.add_txt("brisbane._domainkey.football.example.com",
                "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    dns.add_txt("sel._domainkey.example.com",
                "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; adkim=s");
    dns.add_txt("_dmarc.football.example.com", "v=DMARC1; p=quarantine");
  }
};

struct World {
  session::Setup setup;

  World() {
    // The Ed25519 key of RFC 8463's example (tests/data/dkim/01-ed25519-simple).
    auto k = dkim::PrivateKey::parse("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=");
    auto key = std::make_shared<const dkim::PrivateKey>(*k);
    setup.mode = session::Mode::kAuto;
    setup.keys = [key](const std::string& author) {
      std::vector<config::SigningKey> out;
      if (author.ends_with("@example.com"))
        out.push_back(config::SigningKey{"example.com", "sel", key});
      return out;
    };
    setup.authserv_id = "mx.example.org";
    setup.receiver = "mx.example.org";
    setup.dmarc = true;
    setup.reject_dmarc = true;
    setup.limits = mail::ParseLimits{
        .max_header_fields = 64, .max_field_bytes = 4096, .max_header_bytes = 16 * 1024};
    setup.spool_memory = 4096;  // long inputs spill to the spool file too
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  Dns dns;
  world.setup.resolver = &dns.dns;
  auto in = fuzz::split_input(data, size);
  // The seed byte also chooses what the session does: sign, verify or both.
  session::Plan plan;
  unsigned what = size ? data[0] % 3 : 0;
  plan.sign = what != 1;
  plan.verify = what != 0;
  plan.client.address = "192.0.2.1";
  plan.client.sender = "joe@example.com";
  session::Session s(world.setup, plan, kNow);
  for (auto part : in.parts) s.feed(part);
  s.finish();
  if (s.disposition() == session::Disposition::kAccept) {
    size_t n = 0;
    s.write_to([&](std::string_view d) { n += d.size(); });
    (void)n;
  }
  return 0;
}
