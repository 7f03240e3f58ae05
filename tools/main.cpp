/// \file
/// postseal(1), the operator's tool: keygen, testkey, rotate, sign, verify, report aggregate
/// and report send, check-dns. A thin main: pick the subcommand, run it, map exceptions to
/// sysexits.
///
/// SYNOPSIS
///   postseal keygen --domain D --selector S [--type rsa|ed25519] [--bits N] [--directory DIR]
///                   [--owner USER[:GROUP]]
///   postseal testkey --domain D --selector S [--key-file FILE] | [--key-table FILE ...]
///   postseal rotate --domain D [--selector NEW] [--wait S] [--interval S] [--grace DAYS]
///                   [--authoritative HOST[:PORT]]... [--pid-file F | --reload-command C]
///   postseal check-dns DOMAIN [--dkim-selector S]... [--ip A] [--mail-from-domain D] [--json]
///   postseal sign [options] [FILE]
///   postseal verify [--dns HOST[:PORT]] [--dns-timeout S] [--authserv-id ID]
///                   [--max-signatures N] [FILE]
///   postseal report aggregate [--period BEGIN..END] [--directory DIR]
///   postseal report send [--directory DIR]
///   postseal report read [--json] [--no-resolve] [FILE|MAILDIR|MBOX]...
#include "config.h"

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <sysexits.h>

#include "tools/commands.h"
#include "util/errors.h"

namespace {

const char kUsage[] =
    "usage: postseal COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  keygen   make a DKIM key pair and the DNS record to publish\n"
    "  testkey  check published DKIM key records against the private keys\n"
    "  rotate   replace a domain's DKIM key once the new record is visible in DNS\n"
    "  check-dns audit a sending domain: SPF, DKIM, DMARC, MX, reverse DNS\n"
    "  sign     DKIM-sign a message (stdin or FILE) and write it to stdout\n"
    "  verify   check the DKIM signatures and DMARC of a message (stdin or FILE)\n"
    "  report   report aggregate: write RFC 9990 DMARC reports from the history;\n"
    "           report send: mail them to each domain's rua addresses;\n"
    "           report read: show the DMARC reports others sent you\n"
    "  config   config --defaults: write postseal.conf with every option at its default\n"
    "\n"
    "postseal COMMAND --help shows the options of a command; see postseal(1).\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return EX_USAGE;
  }
  std::string cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (cmd == "--version" || cmd == "-V") {
    std::cout << "postseal " PACKAGE_VERSION "\n";
    return 0;
  }
  std::vector<std::string> args(argv + 2, argv + argc);
  try {
    if (cmd == "sign") return postseal::tools::run_sign(args);
    if (cmd == "keygen") return postseal::tools::run_keygen(args);
    if (cmd == "testkey") return postseal::tools::run_testkey(args);
    if (cmd == "rotate") return postseal::tools::run_rotate(args);
    if (cmd == "check-dns") return postseal::tools::run_check_dns(args);
    if (cmd == "verify") return postseal::tools::run_verify(args);
    if (cmd == "report") return postseal::tools::run_report(args);
    if (cmd == "config") return postseal::tools::run_config(args);
    std::cerr << "postseal: unknown command \"" << cmd << "\"\n" << kUsage;
    return EX_USAGE;
  } catch (const postseal::UsageError& e) {
    std::cerr << "postseal " << cmd << ": " << e.what() << "\n";
    return EX_USAGE;
  } catch (const postseal::ConfigError& e) {
    std::cerr << "postseal " << cmd << ": fatal: " << e.what() << "\n";
    return EX_CONFIG;
  } catch (const postseal::TempFailure& e) {
    std::cerr << "postseal " << cmd << ": fatal: " << e.what() << "\n";
    return EX_IOERR;
  } catch (const std::exception& e) {
    std::cerr << "postseal " << cmd << ": fatal: " << e.what() << "\n";
    return EX_SOFTWARE;
  }
}
