/// \file
/// postseal-policyd(8): SPF (RFC 7208) for Postfix through the policy delegation
/// protocol (check_policy_service). A thin main: options, the resolver and SPF checker,
/// the policy service, then the listener loop (or one spawn(8) connection on
/// stdin/stdout) until SIGTERM. Everything else is in policy/*.
///
/// SYNOPSIS
///   postseal-policyd [--config FILE] [options] [--spawn] [-v]
#include "config.h"

#include <atomic>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <signal.h>
#include <sysexits.h>

#include "config/options.h"
#include "dns/unbound_resolver.h"
#include "log/logger.h"
#include "net/server.h"
#include "policy/instance_cache.h"
#include "policy/policy_service.h"
#include "policy/server.h"
#include "policy/setup.h"
#include "session/settings.h"
#include "spf/spf.h"
#include "util/clock.h"
#include "util/errors.h"
#include "util/host_name.h"

namespace po = boost::program_options;
using namespace postseal;

namespace {

/// Messages remembered at once, and for how long: longer than any SMTP transaction.
constexpr std::size_t kInstanceCacheEntries = 20000;
constexpr int64_t kInstanceCacheSeconds = 3600;

/// The policy service's SpfChecks by the libspf2 Checker.
class CheckerChecks final : public policy::SpfChecks {
 public:
  explicit CheckerChecks(spf::Checker& checker) : checker_(checker) {}
  spf::Verdict check_helo(const spf::Envelope& env) override {
    return checker_.check_helo(env);
  }
  spf::Verdict check_mail_from(const spf::Envelope& env) override {
    return checker_.check_mail_from(env);
  }

 private:
  spf::Checker& checker_;
};

std::atomic<policy::Server*> g_server{nullptr};

extern "C" void on_signal(int) {
  if (policy::Server* s = g_server.load()) s->stop();
}

/// Takes -v, -vv, --verbose out of the arguments (Boost cannot count a repeated
/// switch) and returns how many times verbosity was asked for.
int take_verbosity(std::vector<std::string>& args) {
  int n = 0;
  std::erase_if(args, [&n](const std::string& a) {
    if (a == "--verbose") return ++n, true;
    if (a.size() < 2 || a[0] != '-' || a.find_first_not_of('v', 1) != std::string::npos)
      return false;
    n += static_cast<int>(a.size() - 1);
    return true;
  });
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description desc("postseal-policyd options");
  desc.add_options()("help,h", "show this help and exit")("version,V", "show the version")(
      "check-config", "validate the configuration, print the effective settings, and exit")(
      "spawn", "serve one connection on stdin/stdout, as spawn(8) runs it")(
      "verbose,v", "also log to stderr (not with --spawn); twice: more detail");
  config::Settings::describe(desc, config::kPolicyd);
  std::vector<std::string> args(argv + 1, argv + argc);
  int verbose = take_verbosity(args);
  po::variables_map vm;
  std::optional<config::Settings> settings;
  std::optional<policy::PolicySettings> policy;
  std::optional<policy::ServerOptions> server_options;
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << "usage: postseal-policyd [options] [--spawn]\n" << desc;
      return 0;
    }
    if (vm.count("version")) {
      std::cout << "postseal-policyd " PACKAGE_VERSION "\n";
      return 0;
    }
    settings = config::Settings::load(vm, config::config_file_to_read(vm), config::kPolicyd);
    policy = policy::policy_settings(*settings, host_name());
    server_options = policy::server_options(*settings);
    server_options->verbose = verbose;
    server_options->version = PACKAGE_VERSION;
    if (!settings->str("dns").empty()) {
      auto up = dns::upstream_to_unbound(settings->str("dns"));
      if (!up.ok()) throw ConfigError(up.message());
    }
  } catch (const po::error& e) {
    std::cerr << "postseal-policyd: " << e.what() << "\n";
    return EX_USAGE;
  } catch (const ConfigError& e) {
    std::cerr << "postseal-policyd: config: " << e.what() << "\n";
    return EX_CONFIG;
  }
  if (vm.count("check-config")) {
    // The resolver too, as the daemon builds it at start: a missing or broken
    // dns-trust-anchor file shows here, not when the daemon starts.
    auto resolver = dns::UnboundResolver::create(dns::unbound_options(*settings));
    if (!resolver.ok()) {
      std::cerr << "postseal-policyd: config: " << resolver.message() << "\n";
      return EX_CONFIG;
    }
    std::cout << settings->dump(false);
    return 0;
  }

  // Under spawn(8) the standard streams are the policy connection: nothing but replies
  // may be written there.
  bool spawn = vm.count("spawn") > 0;
  log::Logger logger("postseal-policyd", settings->str("log-file"),
                     !spawn && server_options->verbose > 0);
  try {
    auto resolver = dns::UnboundResolver::create(dns::unbound_options(*settings));
    if (!resolver.ok()) throw ConfigError(resolver.message());
    spf::Checker checker(**resolver, policy->receiver, session::dns_limits(*settings));
    CheckerChecks checks(checker);
    SystemClock clock;
    policy::InstanceCache cache(kInstanceCacheEntries, kInstanceCacheSeconds, clock);
    policy::PolicyService service(*policy, checks, cache);
    policy::Server server(*server_options, service, logger);

    ::signal(SIGPIPE, SIG_IGN);
    g_server = &server;
    struct Unset {
      ~Unset() { g_server = nullptr; }
    } unset;
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    ::sigemptyset(&sa.sa_mask);
    for (int sig : {SIGTERM, SIGINT, SIGHUP}) ::sigaction(sig, &sa, nullptr);

    if (spawn) {
      server.serve(STDIN_FILENO, STDOUT_FILENO, "spawn");
    } else {
      server.open_listener();
      // Root is needed only to bind (and chown) the socket. A daemon that answers
      // anyone's policy requests and parses DNS answers does not keep it: it refuses to
      // go on as root unless run-as-root says so.
      net::drop_privileges(settings->str("user"), settings->str("group"),
                           settings->flag("run-as-root"));
      server.run();
      logger.daemon_stopped(server.connections());
    }
    return 0;
  } catch (const ConfigError& e) {
    logger.line(std::string("fatal: config: ") + e.what());
    if (!spawn) std::cerr << "postseal-policyd: config: " << e.what() << "\n";
    return EX_CONFIG;
  } catch (const std::exception& e) {
    logger.line(std::string("fatal: ") + e.what());
    if (!spawn) std::cerr << "postseal-policyd: " << e.what() << "\n";
    return EX_TEMPFAIL;
  }
}
