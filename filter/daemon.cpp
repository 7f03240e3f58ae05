/// \file
/// The filter daemon's main loop, signals and reloads (see daemon.h).
#include "config.h"

#include <thread>

#include <pthread.h>
#include <signal.h>
#include <sysexits.h>

#include "filter/daemon.h"
#include "filter/smtp_proxy.h"
#include "history/batch_writer.h"
#include "history/store.h"
#include "net/server.h"
#include "util/errors.h"

namespace postseal::filter {
namespace {

std::vector<ListenerSpec> listeners_of(const config::Settings& s) {
  auto l = parse_filter_listen(s.str("filter-listen"));
  if (!l.ok()) throw ConfigError("filter-listen: " + l.message());
  return std::move(l).value();
}

}  // namespace

void check_daemon_settings(const config::Settings& settings) {
  listeners_of(settings);
  auto hop = net::parse_listen(settings.str("next-hop"));
  if (!hop.ok()) throw ConfigError("next-hop: " + hop.message());
}

int run_daemon(const boost::program_options::variables_map& cmdline,
               const std::string& config_file, const config::Settings& settings,
               log::Logger& logger) {
  std::vector<ListenerSpec> listeners;
  std::optional<net::ConnectionServer> server;
  RuntimeHolder runtime;
  try {
    listeners = listeners_of(settings);
    check_daemon_settings(settings);
    // Signals go to one thread that sigwait()s for them; every other thread (connection
    // threads inherit the mask) leaves them blocked.
    sigset_t signals;
    ::sigemptyset(&signals);
    for (int sig : {SIGTERM, SIGINT, SIGHUP}) ::sigaddset(&signals, sig);
    ::pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    server.emplace(
        static_cast<unsigned>(std::min<uint64_t>(settings.uint("max-connections"), 100000)),
        logger);
    net::SocketAccess access;
    access.mode = static_cast<mode_t>(std::stoul(settings.str("socket-mode"), nullptr, 8));
    access.uid = net::user_id(settings.str("socket-owner"), "socket-owner");
    access.gid = net::group_id(settings.str("socket-group"), "socket-group");
    for (const auto& l : listeners) server->listen(l.address, access);
    net::drop_privileges(settings.str("user"), settings.str("group"),
                         settings.flag("run-as-root"));
    // Keys and tables are read as the user the daemon runs as, as a reload will.
    runtime.set(make_runtime(settings, listeners));
  } catch (const ConfigError& e) {
    logger.line(std::string("fatal: config: ") + e.what());
    return EX_CONFIG;
  } catch (const std::exception& e) {
    logger.line(std::string("fatal: ") + e.what());
    return EX_TEMPFAIL;
  }

  // DMARC history, written off the mail path (history/batch_writer.h).
  std::unique_ptr<history::BatchWriter> history;
  if (const std::string& spec = settings.str("history");
      !spec.empty() && settings.flag("dmarc"))
    history = std::make_unique<history::BatchWriter>(
        [spec] { return history::open_store(spec, 2); },
        [&logger](const std::string& text) { logger.daemon_warning(text); });

  std::string where;
  for (const auto& l : listeners) where += (where.empty() ? "" : ", ") + l.text;
  logger.daemon_started(PACKAGE_VERSION, where);

  net::ConnectionServer& srv = *server;
  std::thread signal_thread([&] {
    sigset_t set;
    ::sigemptyset(&set);
    for (int sig : {SIGTERM, SIGINT, SIGHUP}) ::sigaddset(&set, sig);
    for (;;) {
      int sig = 0;
      if (::sigwait(&set, &sig) != 0) continue;
      if (sig != SIGHUP) {
        srv.stop();
        return;
      }
      try {
        config::Settings fresh = config::Settings::load(cmdline, config_file, config::kFilter);
        auto fresh_listeners = listeners_of(fresh);
        if (fresh_listeners.size() != listeners.size())
          logger.daemon_warning(
              "reload: filter-listen changed; restart postseal-filter to listen elsewhere");
        runtime.set(make_runtime(fresh, listeners));
        logger.line("reloaded " + config_file);
      } catch (const std::exception& e) {
        logger.daemon_warning(std::string("reload failed: ") + e.what() +
                              "; keeping the configuration in force");
      }
    }
  });

  NextHopPool pool;
  ProxyContext context{listeners, runtime, logger, srv, history.get(), &pool};
  int status = 0;
  try {
    srv.run([&context](const net::Connection& c) { serve_smtp(c, context); });
  } catch (const std::exception& e) {
    logger.line(std::string("fatal: ") + e.what());
    status = EX_TEMPFAIL;
  }
  if (!srv.stopping()) ::pthread_kill(signal_thread.native_handle(), SIGTERM);
  signal_thread.join();
  if (history) history->flush();
  logger.daemon_stopped(srv.connections());
  return status;
}

}  // namespace postseal::filter
