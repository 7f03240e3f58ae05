/// \file
/// postseal verify: reads a message, checks every DKIM-Signature through the message
/// session (lib/session) in verify mode, keys through libunbound, and prints one line
/// per signature in order of appearance, "RESULT d=DOMAIN s=SELECTOR [reason]", then
/// the Authentication-Results field the filter would add. The body is streamed, so
/// memory stays flat for any message size. Exit 0 when a signature passes, 75
/// (EX_TEMPFAIL) when none does and one met a temporary DNS error, 1 otherwise (no
/// signatures included), 65 (EX_DATAERR) when the header block cannot be read. With
/// dmarc = yes (the default) it evaluates DMARC too (RFC 9989) and prints a last line
/// saying why; --client-address, --client-helo and --sender (the names postseal-filter uses)
/// let it compute SPF for that, and
/// --spf / --dkim answer what-if questions with given results instead. A local override
/// (dmarc-override-networks with --client-address, dmarc-override-domains) is shown as
/// "override=TYPE applied=none (what matched)" on the last line.
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <sysexits.h>

#include "authres/authres.h"
#include "config/options.h"
#include "dns/unbound_resolver.h"
#include "io/fd_io.h"
#include "mail/address.h"
#include "mail/message_parser.h"
#include "session/session.h"
#include "session/settings.h"
#include "spf/spf.h"
#include "tools/commands.h"
#include "tools/message_args.h"
#include "util/ascii.h"
#include "util/clock.h"
#include "util/errors.h"
#include "util/unique_fd.h"

namespace po = boost::program_options;

namespace postseal::tools {
namespace {

constexpr int kNoPass = 1;

// The last line: why DMARC said what it said (RFC 9989): where the record was found,
// the tag in force, the disposition after t=, the SPF result used, and what aligned.
void print_dmarc(const dmarc::Evaluation& e, const std::optional<session::SpfResult>& spf) {
  std::cout << "dmarc " << dmarc::to_string(e.result) << " from=" << e.author_domain;
  if (e.record)
    std::cout << " policy-domain=" << e.policy_domain
              << (e.org_domain.empty() ? "" : " org-domain=" + e.org_domain) << " "
              << e.policy_tag << "=" << dmarc::to_string(e.policy)
              << (e.record->testing ? " t=y" : "");
  if (e.record && e.result == dmarc::Result::kFail)
    std::cout << " disposition=" << dmarc::to_string(e.disposition);
  if (!e.override_reason.empty())
    std::cout << " override=" << e.override_reason << " applied=" << dmarc::to_string(e.applied)
              << " (" << e.override_comment << ")";
  if (spf) std::cout << " spf=" << spf->result << ":" << spf->domain;
  std::cout << ": " << e.reason << "\n";
}

// --spf RESULT and --dkim DOMAIN:RESULT: DMARC from the results given ("would this
// pass if SPF passed?"). Only the header block is read (for From) and only the DMARC
// lookups are made. Exit 0 on dmarc=pass, 75 on temperror, 1 otherwise.
int what_if(const po::variables_map& vm, const std::string& authserv_id,
            const dmarc::Overrides& overrides, dns::Resolver& resolver, int in) {
  mail::MessageParser parser;
  std::string buf(64 * 1024, '\0');
  while (!parser.headers_done()) {
    size_t n = io::read_some(in, buf.data(), buf.size(), "message");
    if (n == 0) {
      if (Status st = parser.finish(); !st.ok()) throw UsageError("message: " + st.message());
      break;
    }
    if (auto r = parser.feed(std::string_view(buf.data(), n)); !r.ok())
      throw UsageError("message: " + r.message());
  }
  if (mail::count_fields(parser.headers(), "From") != 1)
    throw UsageError("message: DMARC needs exactly one From field (RFC 9989 section 5.3.1)");
  auto author = mail::single_author(mail::find_field(parser.headers(), "From")->value());
  if (!author.ok()) throw UsageError("message: From: " + author.message());
  auto domain = dmarc::author_domain(*author);
  if (!domain) throw UsageError("message: the From domain is not a valid domain name");

  dmarc::Input input;
  input.author_domain = *domain;
  std::optional<session::SpfResult> spf;
  if (vm.count("spf")) {
    // The SPF domain: the sender's domain, else the HELO name, else the From domain.
    std::string from = vm["sender"].as<std::string>();
    std::string d = !from.empty() ? from.substr(from.rfind('@') + 1)
                    : !vm["client-helo"].as<std::string>().empty()
                        ? vm["client-helo"].as<std::string>()
                        : *domain;
    spf = session::SpfResult{ascii_lower(vm["spf"].as<std::string>()), ascii_lower(d), "given"};
    input.spf_result = spf->result;
    input.spf_domain = spf->domain;
  }
  if (vm.count("dkim"))
    for (const auto& d : vm["dkim"].as<std::vector<std::string>>()) {
      auto colon = d.rfind(':');
      if (colon == std::string::npos || colon == 0)
        throw UsageError("--dkim " + d + ": expected DOMAIN:RESULT, e.g. example.com:pass");
      input.dkim.push_back(dmarc::Input::Dkim{d.substr(0, colon), "",
                                              ascii_lower(d.substr(colon + 1)) == "pass"});
    }
  dmarc::Evaluator evaluator(resolver);
  dmarc::Evaluation e = evaluator.evaluate(input);
  dmarc::apply_overrides(
      overrides, input,
      vm.count("client-address") ? vm["client-address"].as<std::string>() : "", "", e);
  authres::AuthenticationResults ar;
  ar.authserv_id = authserv_id;
  ar.results.push_back(authres::dmarc_resinfo(e));
  std::cout << authres::format_field(ar, "\n");
  print_dmarc(e, spf);
  if (e.result == dmarc::Result::kPass) return 0;
  return e.result == dmarc::Result::kTempError ? EX_TEMPFAIL : kNoPass;
}

}  // namespace

int run_verify(const std::vector<std::string>& args) {
  po::options_description desc("postseal verify options");
  desc.add_options()("help,h", "show this help")("timestamp", po::value<int64_t>(),
                                                 "judge t= and x= as of this time, not now")(
      "client-address", po::value<std::string>(),
      "the SMTP client's address: compute SPF for DMARC (with --client-helo, --sender)")(
      "client-helo", po::value<std::string>()->default_value(""), "the client's HELO name")(
      "sender,f", po::value<std::string>()->default_value(""),
      "the envelope sender (empty: the null sender)")(
      "spf", po::value<std::string>(),
      "what-if: take this SPF result instead of computing it; only DMARC is evaluated")(
      "dkim", po::value<std::vector<std::string>>()->composing(),
      "what-if: DOMAIN:RESULT of one DKIM signature (repeat, in signature order)");
  config::Settings::describe(desc, config::kVerifyTool);
  po::variables_map vm = parse_message_args(args, desc);
  if (vm.count("help")) {
    std::cout << "usage: postseal verify [options] [FILE]\n" << desc;
    return 0;
  }
  auto settings =
      config::Settings::load(vm, config::config_file_to_read(vm), config::kVerifyTool);
  auto resolver = dns::UnboundResolver::create(dns::unbound_options(settings));
  if (!resolver.ok()) throw ConfigError(resolver.message());

  if (vm.count("spf") || vm.count("dkim")) {
    UniqueFd in_owned;
    return what_if(vm, session::authserv_id(settings), session::dmarc_overrides(settings),
                   **resolver, open_message_input(vm, in_owned));
  }

  session::Setup setup;
  setup.mode = session::Mode::kVerify;
  setup.authserv_id = session::authserv_id(settings);
  setup.resolver = resolver->get();
  setup.verify.max_signatures = settings.uint("max-signatures");
  setup.dmarc = settings.flag("dmarc");
  setup.dmarc_overrides = session::dmarc_overrides(settings);
  setup.receiver = setup.authserv_id;
  setup.limits = session::parse_limits(settings);
  setup.dns_limits = session::dns_limits(settings);
  session::Plan plan{false, true, "", {}};
  std::unique_ptr<spf::Checker> spf;
  if (vm.count("client-address")) {
    plan.client.address = vm["client-address"].as<std::string>();
    plan.client.helo = vm["client-helo"].as<std::string>();
    plan.client.sender = vm["sender"].as<std::string>();
    spf = std::make_unique<spf::Checker>(**resolver, setup.authserv_id);
    setup.spf = spf.get();
  }
  SystemClock clock;
  int64_t now = vm.count("timestamp") ? vm["timestamp"].as<int64_t>() : clock.now();

  UniqueFd in_owned;
  int in = open_message_input(vm, in_owned);
  session::Session message(setup, plan, now);
  io::read_all(in, "message", [&](std::string_view d) { message.feed(d); });
  message.finish();
  if (message.disposition() != session::Disposition::kAccept)
    throw TempFailure(message.disposition_reason());
  const session::Verdicts& v = message.verdicts();
  if (!v.header_error.empty()) {
    std::cerr << "postseal verify: message not checked: " << v.header_error << "\n";
    return EX_DATAERR;
  }
  bool pass = false, temperror = false;
  for (const auto& r : v.dkim) {
    authres::ResultInfo info = authres::dkim_resinfo(r);
    std::cout << info.result << " d=" << r.domain << " s=" << r.selector
              << (info.comment.empty() ? "" : " " + info.comment) << "\n";
    pass = pass || r.verdict == dkim::Verdict::kPass;
    temperror = temperror || r.verdict == dkim::Verdict::kTempError;
  }
  std::cout << message.added_fields();
  if (v.dmarc) {
    print_dmarc(*v.dmarc, v.spf);
  } else if (!v.dmarc_error.empty()) {
    std::cout << "dmarc permerror: " << v.dmarc_error << "\n";
  }
  if (pass) return 0;
  return temperror ? EX_TEMPFAIL : kNoPass;
}

}  // namespace postseal::tools
