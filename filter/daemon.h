/// \file
/// postseal-filter --daemon: binds every filter-listen address, drops root, loads the
/// configuration (keys, tables, resolver) once, and serves SMTP connections (see
/// smtp_proxy.h) until SIGTERM, which stops accepting and lets open transactions
/// finish. SIGHUP reloads the configuration without dropping a connection; a broken
/// new configuration is refused with a log line and the old one goes on working.
#ifndef POSTSEAL_FILTER_DAEMON_H
#define POSTSEAL_FILTER_DAEMON_H

#include <string>

#include <boost/program_options.hpp>

#include "config/options.h"
#include "log/logger.h"

namespace postseal::filter {

/// Runs the daemon. `cmdline` and `config_file` are read again on SIGHUP. Returns the
/// exit status: 0 after SIGTERM, EX_CONFIG for a configuration that cannot start,
/// EX_TEMPFAIL when a socket cannot be opened.
int run_daemon(const boost::program_options::variables_map& cmdline,
               const std::string& config_file, const config::Settings& settings,
               log::Logger& logger);

/// --check-config's part for the daemon options: filter-listen and next-hop parse.
/// Throws ConfigError.
void check_daemon_settings(const config::Settings& settings);

}  // namespace postseal::filter

#endif  // POSTSEAL_FILTER_DAEMON_H
