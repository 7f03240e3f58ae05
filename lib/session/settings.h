/// \file
/// A session Setup from the configuration (config::Settings): the signing options, the
/// key store, internal-hosts, mode and authserv-id, read the same way by every program
/// that runs sessions (postseal-filter, `postseal sign`, `postseal verify`). Throws
/// ConfigError naming the option at fault.
#ifndef POSTSEAL_SESSION_SETTINGS_H
#define POSTSEAL_SESSION_SETTINGS_H

#include <string>

#include "config/key_store.h"
#include "config/options.h"
#include "session/session.h"

namespace postseal::session {

/// canonicalization, sign-headers, oversign-headers, omit-headers (plus the fields the
/// relay rewrites, config/relay.h), signature-expiry, body-length.
SignOptions sign_options(const config::Settings& s);

/// The keys the configuration names: key-table with signing-table, or domain, selector
/// and key-file; an empty store when neither is set.
config::KeyStore key_store(const config::Settings& s);

/// authserv-id, or the host name when it is empty.
std::string authserv_id(const config::Settings& s);

/// receiver (the receiver= of trusted Received-SPF fields), or the host name.
std::string receiver(const config::Settings& s);

/// dmarc-override-networks, dmarc-override-domains and their -reason options. Throws
/// ConfigError naming the option for a bad entry, an unreadable file or an unknown reason.
dmarc::Overrides dmarc_overrides(const config::Settings& s);

/// max-header-fields, header-field-size-limit, header-size-limit.
mail::ParseLimits parse_limits(const config::Settings& s);

/// dns-lookup-limit and message-time-limit (programs that verify).
dns::LimitedResolver::Limits dns_limits(const config::Settings& s);

/// A Setup for postseal-filter: mode, internal-hosts, sign-failure-action, the signing
/// options, authserv-id, max-signatures, dmarc, the DMARC overrides, receiver, the limits
/// above, with keys chosen from `keys` (which must outlive it). The resolver is left
/// unset (the caller makes one only when a plan verifies).
Setup filter_setup(const config::Settings& s, const config::KeyStore& keys);

}  // namespace postseal::session

#endif  // POSTSEAL_SESSION_SETTINGS_H
