/// \file
/// Pipe mode: options, the message session (sign or verify, as the plan for this client
/// says), reinjection with sendmail, and the exit code pipe(8) understands (0 or 75).
#include "config.h"

#include <iostream>
#include <optional>

#include <boost/program_options.hpp>
#include <sysexits.h>
#include <unistd.h>

#include "config/key_store.h"
#include "config/options.h"
#include "dns/unbound_resolver.h"
#include "filter/daemon.h"
#include "filter/pipe_args.h"
#include "filter/pipe_filter.h"
#include "filter/reinject.h"
#include "io/fd_io.h"
#include "log/logger.h"
#include "session/log.h"
#include "session/session.h"
#include "session/settings.h"
#include "spf/spf.h"
#include "util/clock.h"
#include "util/errors.h"

namespace po = boost::program_options;

namespace postseal::filter {
namespace {

// Everything that is not "reinjected" is a deferral; the text carries a 4.x.x code so
// pipe(8) defers even if the exit code were misread.
int defer(const std::string& code, const std::string& text) {
  std::cerr << code << " postseal-filter: " << text << "\n";
  return EX_TEMPFAIL;
}

}  // namespace

int run_pipe_filter(const std::vector<std::string>& argv) {
  SplitArgs split = split_args(argv);
  po::options_description desc("postseal-filter options");
  desc.add_options()("help,h", "show this help and exit")("version,V", "show the version")(
      "check-config", "validate the configuration, print the effective settings, and exit")(
      "daemon",
      "run as an SMTP filter daemon (filter-listen, next-hop) instead of under pipe(8)")(
      "sender,f", po::value<std::string>(), "envelope sender (${sender})")(
      "queue-id", po::value<std::string>()->default_value(""), "Postfix queue ID for logs")(
      "client-address", po::value<std::string>()->default_value(""), "${client_address}")(
      "sasl-username", po::value<std::string>()->default_value(""), "${sasl_username}")(
      "client-hostname", po::value<std::string>()->default_value(""), "${client_hostname}")(
      "client-helo", po::value<std::string>()->default_value(""), "${client_helo}")(
      "verbose,v", "also log to stderr");
  config::Settings::describe(desc, config::kFilter);
  po::variables_map vm;
  std::optional<config::Settings> settings;
  std::string config_file;
  try {
    po::store(
        po::command_line_parser(config::explicit_flags(split.options)).options(desc).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << "usage: postseal-filter [options] -f SENDER -- RECIPIENT...\n"
                   "       postseal-filter --daemon [options]\n"
                << desc;
      return 0;
    }
    if (vm.count("version")) {
      std::cout << "postseal-filter " PACKAGE_VERSION "\n";
      return 0;
    }
    config_file = config::config_file_to_read(vm);
    settings = config::Settings::load(vm, config_file, config::kFilter);
  } catch (const po::error& e) {
    if (vm.count("check-config")) {
      std::cerr << "postseal-filter: " << e.what() << "\n";
      return EX_USAGE;
    }
    return defer("4.3.5", std::string("usage: ") + e.what());
  } catch (const ConfigError& e) {
    if (vm.count("check-config")) {
      std::cerr << "postseal-filter: config: " << e.what() << "\n";
      return EX_CONFIG;
    }
    return defer("4.3.5", std::string("config: ") + e.what());
  }

  log::Logger logger("postseal-filter", settings->str("log-file"), vm.count("verbose") > 0);
  const std::string qid = vm["queue-id"].as<std::string>();
  try {
    if (vm.count("daemon") && !vm.count("check-config"))
      return run_daemon(vm, config_file, *settings, logger);
    config::KeyStore keys = session::key_store(*settings);
    session::Setup setup = session::filter_setup(*settings, keys);
    // libunbound is started only when a message is verified (or to check it): a signing
    // filter does not pay for it.
    std::unique_ptr<dns::UnboundResolver> resolver;
    std::unique_ptr<spf::Checker> spf;
    auto make_resolver = [&] {
      auto r = dns::UnboundResolver::create(dns::unbound_options(*settings));
      if (!r.ok()) throw ConfigError(r.message());
      resolver = std::move(r.value());
      setup.resolver = resolver.get();
      // SPF for DMARC when postseal-policyd left no Received-SPF of ours.
      spf = std::make_unique<spf::Checker>(*resolver, setup.receiver);
      setup.spf = spf.get();
    };
    if (vm.count("check-config")) {
      if (vm.count("daemon")) check_daemon_settings(*settings);
      if (setup.mode != session::Mode::kSign || vm.count("daemon")) make_resolver();
      std::cout << settings->dump(false);
      return 0;
    }
    if (!vm.count("sender")) throw UsageError("missing -f SENDER");
    if (split.recipients.empty()) throw UsageError("no recipients after --");

    session::Client client{vm["client-address"].as<std::string>(),
                           vm["client-hostname"].as<std::string>(),
                           vm["sasl-username"].as<std::string>(),
                           vm["client-helo"].as<std::string>(), vm["sender"].as<std::string>()};
    session::Plan plan = session::plan_for(setup, client);
    if (plan.verify) make_resolver();
    SystemClock clock;
    session::Session message(setup, plan, clock.now());
    io::read_all(STDIN_FILENO, "message", [&](std::string_view d) { message.feed(d); });
    message.finish();
    session::log_verdicts(logger, qid, message);
    if (message.disposition() != session::Disposition::kAccept) {
      logger.warning(qid, message.disposition_reason());
      return defer(message.status_code(), message.disposition_reason());
    }
    reinject(
        sendmail_argv(settings->str("sendmail-path"), vm["sender"].as<std::string>(),
                      split.recipients),
        [&](const Sink& out) { message.write_to(out); },
        static_cast<unsigned>(settings->uint("sendmail-timeout")));
    logger.reinjected(qid, split.recipients.size());
    return 0;
  } catch (const ConfigError& e) {
    logger.warning(qid, std::string("config: ") + e.what());
    if (vm.count("check-config")) {
      std::cerr << "postseal-filter: config: " << e.what() << "\n";
      return EX_CONFIG;
    }
    return defer("4.3.5", std::string("config: ") + e.what());
  } catch (const UsageError& e) {
    logger.warning(qid, std::string("usage: ") + e.what());
    return defer("4.3.5", std::string("usage: ") + e.what());
  } catch (const TempFailure& e) {
    logger.warning(qid, e.what());
    return defer("4.3.0", e.what());
  } catch (const std::exception& e) {
    logger.warning(qid, e.what());
    return defer("4.3.0", e.what());
  }
}

}  // namespace postseal::filter
