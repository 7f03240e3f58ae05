/// \file
/// From the option table's Settings to the objects postseal-policyd is built from: the
/// decision settings (actions, header type, skip lists) and the listener options. Kept
/// out of main.cpp so main stays thin and --check-config validates exactly what the
/// daemon would use. Reads skip-list files and the user and group databases; otherwise
/// pure.
#ifndef POSTSEAL_POLICY_SETUP_H
#define POSTSEAL_POLICY_SETUP_H

#include <string>

#include "config/options.h"
#include "dns/unbound_resolver.h"
#include "policy/decision.h"
#include "policy/server.h"

namespace postseal::policy {

/// The decision settings. `hostname` stands in for an empty receiver, and for an empty
/// authserv-id after that. Throws ConfigError naming the option for a bad skip list or
/// an unreadable skip-list file.
PolicySettings policy_settings(const config::Settings& s, const std::string& hostname);

/// The listener settings, with socket-owner and socket-group looked up. Throws
/// ConfigError for a bad listen value or an unknown user or group.
ServerOptions server_options(const config::Settings& s);

}  // namespace postseal::policy

#endif  // POSTSEAL_POLICY_SETUP_H
