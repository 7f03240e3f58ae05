/// \file
/// The subcommands of postseal(1). Each takes the arguments after its name and returns
/// a sysexits code; each throws only UsageError, ConfigError or TempFailure, which
/// main() turns into a diagnostic and an exit code.
#ifndef POSTSEAL_TOOLS_COMMANDS_H
#define POSTSEAL_TOOLS_COMMANDS_H

#include <string>
#include <string_view>
#include <vector>

#include "dkim/key_probe.h"

namespace postseal::tools {

/// postseal sign: writes the message signed to stdout.
int run_sign(const std::vector<std::string>& args);

/// postseal keygen: writes SELECTOR.private and SELECTOR.txt.
int run_keygen(const std::vector<std::string>& args);

/// postseal verify: prints one result line per DKIM-Signature and the
/// Authentication-Results field; 0 if one passed, 75 if none did but DNS failed
/// temporarily, 1 otherwise.
int run_verify(const std::vector<std::string>& args);

/// postseal report aggregate: writes one RFC 9990 aggregate report per policy domain
/// from the DMARC history into a directory; 0 on success, 74 when the store cannot be
/// read, 73 when a report cannot be written. postseal report send: mails them to the
/// authorized rua addresses; 0 on success, 75 when a report was kept unsent.
int run_report(const std::vector<std::string>& args);

/// postseal report read [FILE|MAILDIR|MBOX]...: prints the DMARC aggregate reports in
/// its inputs, per report, and the sources grouped by what to do; 0 when every input
/// was read, 1 when one (or a part of one) could not be, 74 when stdout cannot be written.
int run_report_read(const std::vector<std::string>& args);

/// postseal check-dns DOMAIN: audits SPF, DKIM, DMARC, MX (and reverse DNS with --ip);
/// 0 when nothing failed, 1 when something did, 75 when a DNS error left a check open.
int run_check_dns(const std::vector<std::string>& args);

/// postseal rotate: makes the next key of a domain, waits until its record is visible,
/// switches the KeyTable entry and reloads the daemon; 0 switched, 75 not visible in
/// time (nothing switched) or switched but the reload failed, a testkey exit code when
/// a wrong record is published.
int run_rotate(const std::vector<std::string>& args);

/// postseal testkey: checks published key records against the private keys; prints one
/// line per key and exits with testkey_exit_code() of the first key that is not OK.
int run_testkey(const std::vector<std::string>& args);

/// The exit code of a testkey outcome: 0 OK, 1 mismatch, 2 not found, 3 broken CNAME,
/// 4 wrongly split, 5 invalid, 6 revoked, 7 too short, 8 t=y, 9 TCP only, 75 DNS error.
int testkey_exit_code(dkim::KeyOutcome o);

/// Prints a probe: its CNAME hops, then "OUTCOME d=D s=S: message", each line indented.
void print_key_probe(const dkim::KeyProbe& p, std::string_view domain,
                     std::string_view selector, std::string_view indent);

/// postseal config --defaults: writes the commented postseal.conf (every option at its
/// default) to stdout; 0 on success, 74 when stdout cannot be written.
int run_config(const std::vector<std::string>& args);

}  // namespace postseal::tools

#endif  // POSTSEAL_TOOLS_COMMANDS_H
