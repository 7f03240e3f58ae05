/// \file
/// postseal verify: reads a message, checks every DKIM-Signature (lib/dkim's Verifier,
/// keys through libunbound), prints one line per signature in order of appearance,
/// "RESULT d=DOMAIN s=SELECTOR [reason]", then the Authentication-Results field it
/// would add. The body is streamed, so memory stays flat for any message size.
/// Exit 0 when a signature passes, 75 (EX_TEMPFAIL) when none does and one met a
/// temporary DNS error, 1 otherwise (no signatures included).
#include <cerrno>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <sysexits.h>
#include <unistd.h>

#include "authres/authres.h"
#include "config/options.h"
#include "dkim/verifier.h"
#include "dns/unbound_resolver.h"
#include "mail/message_parser.h"
#include "tools/commands.h"
#include "tools/message_args.h"
#include "util/clock.h"
#include "util/errors.h"
#include "util/unique_fd.h"

namespace po = boost::program_options;

namespace postseal::tools {
namespace {

constexpr int kNoPass = 1;

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

}  // namespace

int run_verify(const std::vector<std::string>& args) {
  po::options_description desc("postseal verify options");
  // The names are the option table's, so Settings::load validates and layers them.
  desc.add_options()("help,h", "show this help")(
      "config,c", po::value<std::string>(),
      "read dns, dns-timeout, dns-trust-anchor, authserv-id, max-signatures from this file")(
      "dns", po::value<std::string>(), "DNS server HOST[:PORT] (default: /etc/resolv.conf)")(
      "dns-timeout", po::value<std::string>(), "seconds per DNS query (default: 5)")(
      "dns-trust-anchor", po::value<std::string>(),
      "DNSSEC trust anchor file (default: none, no validation)")(
      "authserv-id", po::value<std::string>(),
      "authserv-id for Authentication-Results (default: the host name)")(
      "max-signatures", po::value<std::string>(),
      "check at most this many signatures (default: 8)")(
      "timestamp", po::value<int64_t>(), "judge t= and x= as of this time, not now");
  po::variables_map vm = parse_message_args(args, desc);
  if (vm.count("help")) {
    std::cout << "usage: postseal verify [options] [FILE]\n" << desc;
    return 0;
  }
  auto settings = config::Settings::load(
      vm, vm.count("config") ? vm["config"].as<std::string>() : std::string(), config::kTool);
  std::string authserv_id = settings.str("authserv-id");
  if (authserv_id.empty()) authserv_id = host_name();

  auto resolver = dns::UnboundResolver::create(dns::unbound_options(settings));
  if (!resolver.ok()) throw ConfigError(resolver.message());

  UniqueFd in_owned;
  int in = open_message_input(vm, in_owned);

  // The verifier is made once the header block is complete; from then on each chunk's
  // body part goes straight into it and is not kept.
  dkim::VerifyOptions vo;
  vo.max_signatures = settings.uint("max-signatures");
  SystemClock clock;
  int64_t now = vm.count("timestamp") ? vm["timestamp"].as<int64_t>() : clock.now();
  mail::MessageParser parser;
  std::optional<dkim::Verifier> verifier;
  std::vector<char> buf(64 * 1024);
  while (true) {
    ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw TempFailure(std::string("read: ") + std::strerror(errno));
    if (n == 0) break;
    auto body = parser.feed(std::string_view(buf.data(), static_cast<size_t>(n)));
    if (!body.ok()) {
      std::cerr << "postseal verify: message not checked: " << body.message() << "\n";
      return EX_DATAERR;
    }
    if (parser.headers_done() && !verifier)
      verifier.emplace(parser.headers(), **resolver, now, vo);
    if (verifier) verifier->feed_body(*body);
  }
  if (Status st = parser.finish(); !st.ok()) {
    std::cerr << "postseal verify: message not checked: " << st.message() << "\n";
    return EX_DATAERR;
  }
  if (!verifier) verifier.emplace(parser.headers(), **resolver, now, vo);

  authres::AuthenticationResults ar;
  ar.authserv_id = authserv_id;
  bool pass = false, temperror = false;
  for (const auto& r : verifier->finish()) {
    authres::ResultInfo info = authres::dkim_resinfo(r);
    std::cout << info.result << " d=" << r.domain << " s=" << r.selector
              << (info.comment.empty() ? "" : " " + info.comment) << "\n";
    pass = pass || r.verdict == dkim::Verdict::kPass;
    temperror = temperror || r.verdict == dkim::Verdict::kTempError;
    ar.results.push_back(std::move(info));
  }
  // RFC 8601 §2.7.1: a message without signatures is dkim=none.
  if (ar.results.empty()) ar.results.push_back(authres::ResultInfo{"dkim", "none", "", "", {}});
  std::cout << authres::format_field(ar, "\n");
  if (pass) return 0;
  return temperror ? EX_TEMPFAIL : kNoPass;
}

}  // namespace postseal::tools
