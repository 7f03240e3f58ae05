/// \file
/// The option table and the Settings built from it (see options.h). Each row carries
/// the name, type, default, validator, one-line description and programs; the
/// Boost.Program_options descriptions, the postseal.conf reader, dump() and the
/// documentation test are all driven by it. File syntax: "name = value" lines, '#'
/// comments, blank lines ignored; defaults < file < command line.
#include "config/options.h"

#include <cerrno>
#include <initializer_list>
#include <string>
#include <utility>

#include <sys/stat.h>

#include "config/text_file.h"
#include "util/check.h"
#include "util/errors.h"
#include "util/result.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

namespace postseal::config {

namespace {

namespace po = boost::program_options;

/// Checks a value and returns its canonical spelling, or why it is wrong.
using Validator = Result<std::string> (*)(std::string_view value);

Result<std::string> check_string(std::string_view v) { return std::string(v); }

/// yes/no, true/false, 1/0, on/off (any case), stored as "yes" or "no".
Result<std::string> check_bool(std::string_view v) {
  std::string w = detail::lower(v);
  if (w == "yes" || w == "true" || w == "1" || w == "on") return std::string("yes");
  if (w == "no" || w == "false" || w == "0" || w == "off") return std::string("no");
  return Error{"expected yes or no"};
}

/// Decimal digits that fit in 64 bits.
Result<std::string> check_uint(std::string_view v) {
  if (v.empty()) return Error{"expected a number"};
  uint64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return Error{"expected a number"};
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (n > (UINT64_MAX - d) / 10) return Error{"number too large"};
    n = n * 10 + d;
  }
  return std::to_string(n);
}

/// A list of header field names: RFC 5322 §3.6.8 ftext (printable ASCII but ':').
Result<std::string> check_header_list(std::string_view v) {
  for (const auto& name : split_list(v))
    for (char c : name)
      if (c < 33 || c > 126) return Error{"\"" + name + "\" is not a header field name"};
  return std::string(v);
}

/// A list of header fields to sign or oversign: as above, without DKIM-Signature, which
/// RFC 6376 §3.5 forbids in h= (see dkim::validate_policy).
Result<std::string> check_signed_header_list(std::string_view v) {
  auto checked = check_header_list(v);
  if (!checked.ok()) return checked;
  for (const auto& name : split_list(v))
    if (detail::lower(name) == "dkim-signature")
      return Error{
          "DKIM-Signature cannot be signed or oversigned (RFC 6376 section 3.5: a "
          "verifier would hash the new signature's own field); remove it"};
  return checked;
}

/// RFC 6376 §3.5 c=: header[/body], each "simple" or "relaxed".
Result<std::string> check_canonicalization(std::string_view v) {
  std::string w = detail::lower(v);
  auto ok = [](std::string_view s) { return s == "simple" || s == "relaxed"; };
  auto slash = w.find('/');
  std::string_view head = std::string_view(w).substr(0, slash);
  std::string_view body =
      slash == std::string::npos ? std::string_view() : std::string_view(w).substr(slash + 1);
  if (!ok(head) || (slash != std::string::npos && !ok(body)))
    return Error{"expected simple or relaxed, optionally /simple or /relaxed"};
  return w;
}

Result<std::string> check_sign_failure_action(std::string_view v) {
  std::string w = detail::lower(v);
  if (w != "pass" && w != "tempfail") return Error{"expected pass or tempfail"};
  return w;
}

/// A number from `lo` to `hi`, for options where 0 or a huge value makes no sense.
template <uint64_t lo, uint64_t hi>
Result<std::string> check_range(std::string_view v) {
  auto n = check_uint(v);
  if (!n.ok()) return n;
  uint64_t x = std::stoull(*n);
  if (x < lo || x > hi)
    return Error{"expected a number from " + std::to_string(lo) + " to " + std::to_string(hi)};
  return n;
}

/// `v` (any case) when it is one of `words`, in lower case.
Result<std::string> one_of(std::string_view v, std::initializer_list<std::string_view> words) {
  std::string w = detail::lower(v);
  std::string all;
  for (std::string_view word : words) {
    if (w == word) return w;
    all += (all.empty() ? "" : ", ") + std::string(word);
  }
  return Error{"expected one of " + all};
}

Result<std::string> check_fail_action(std::string_view v) {
  return one_of(v, {"reject", "defer", "prepend"});
}
Result<std::string> check_temperror_action(std::string_view v) {
  return one_of(v, {"defer", "prepend"});
}
Result<std::string> check_permerror_action(std::string_view v) {
  return one_of(v, {"reject", "prepend"});
}
Result<std::string> check_malformed_action(std::string_view v) {
  return one_of(v, {"dunno", "defer"});
}
Result<std::string> check_relay(std::string_view v) { return one_of(v, {"none", "ses"}); }
Result<std::string> check_filter_mode(std::string_view v) {
  return one_of(v, {"sign", "verify", "auto"});
}
Result<std::string> check_override_reason(std::string_view v) {
  return one_of(v, {"local_policy", "mailing_list", "trusted_forwarder", "other"});
}
Result<std::string> check_header_type(std::string_view v) {
  return one_of(v, {"received-spf", "authentication-results"});
}

/// "unix:/PATH" or "inet:HOST:PORT" (policy/server.h parses it fully).
Result<std::string> check_listen(std::string_view v) {
  if (v.starts_with("unix:/")) return std::string(v);
  auto colon = v.rfind(':');
  if (v.starts_with("inet:") && colon > 5 && colon + 1 < v.size()) return std::string(v);
  return Error{"expected unix:/PATH or inet:HOST:PORT"};
}

/// An octal file mode such as 0660.
Result<std::string> check_mode(std::string_view v) {
  if (v.empty() || v.size() > 4 || v.find_first_not_of("01234567") != std::string_view::npos)
    return Error{"expected an octal mode such as 0660"};
  return std::string(v);
}

/// A number of seconds or a count that must not be 0.
Result<std::string> check_positive(std::string_view v) {
  auto n = check_uint(v);
  if (n.ok() && *n == "0") return Error{"must be at least 1"};
  return n;
}

struct Row {
  OptionSpec spec;
  Validator check;
};

constexpr unsigned kSigning = kFilter | kSignTool;
constexpr unsigned kChecking = kFilter | kPolicyd | kVerifyTool;
constexpr unsigned kAll = kFilter | kPolicyd | kTool;

// The table, in documentation order. doc/postseal.conf.5 has one entry per row; a test
// (tests/unit/config/doc_test) fails when one is missing.
const Row kRows[] = {
    {{"config", OptionType::kString, SYSCONFDIR "/postseal/postseal.conf",
      "configuration file to read", kAll},
     check_string},
    {{"domain", OptionType::kString, "",
      "single-domain signing: the d= domain (with selector and key-file)", kSigning | kKeyTool},
     check_string},
    {{"selector", OptionType::kString, "", "single-domain signing: the s= selector",
      kSigning | kKeyTool},
     check_string},
    {{"key-file", OptionType::kString, "", "single-domain signing: the private key file",
      kSigning | kKeyTool},
     check_string},
    {{"key-table", OptionType::kString, "",
      "OpenDKIM KeyTable: key name to domain:selector:key", kSigning | kKeyTool},
     check_string},
    {{"signing-table", OptionType::kString, "",
      "OpenDKIM SigningTable: author to key name; \"refile:PATH\" for wildcards",
      kSigning | kKeyTool},
     check_string},
    {{"require-safe-keys", OptionType::kBool, "yes",
      "refuse key files that others may read or replace (mode, owner, directory)",
      kSigning | kKeyTool},
     check_bool},
    {{"multiple-signatures", OptionType::kBool, "yes",
      "sign with every matching SigningTable entry, not just the first", kSigning},
     check_bool},
    {{"sub-domains", OptionType::kBool, "no",
      "an entry for a domain also covers its subdomains", kSigning},
     check_bool},
    {{"canonicalization", OptionType::kString, "relaxed/relaxed",
      "c= for new signatures: header/body, each simple or relaxed", kSigning},
     check_canonicalization},
    {{"sign-headers", OptionType::kList, "",
      "header fields to sign; empty means the RFC 6376 section 5.4.1 list", kSigning},
     check_signed_header_list},
    {{"oversign-headers", OptionType::kList, "From",
      "header fields signed once more than present, so none can be added", kSigning},
     check_signed_header_list},
    {{"omit-headers", OptionType::kList, "",
      "header fields never signed (e.g. those a relay such as Amazon SES rewrites)", kSigning},
     check_header_list},
    {{"relay", OptionType::kString, "none",
      "the relay outbound mail leaves through: none, or ses (Amazon SES: Message-ID, Date, "
      "Return-Path and Bounces-To are not signed, since SES rewrites them)",
      kSigning | kKeyTool},
     check_relay},
    {{"signature-expiry", OptionType::kUint, "0",
      "seconds until a new signature expires (x=); 0 means no x=", kSigning},
     check_uint},
    {{"body-length", OptionType::kBool, "no", "add l= (signed body length) to signatures",
      kSigning},
     check_bool},
    {{"authserv-id", OptionType::kString, "",
      "authserv-id in Authentication-Results; empty means the host name", kChecking},
     check_string},
    {{"mode", OptionType::kString, "sign",
      "sign, verify, or auto: sign mail from internal clients and SASL users, verify the rest",
      kFilter},
     check_filter_mode},
    {{"sendmail-path", OptionType::kString, "/usr/sbin/sendmail",
      "the sendmail(1) program postseal-filter reinjects mail with (and report send mails "
      "reports with)",
      kFilter | kReportTool},
     check_string},
    {{"sendmail-timeout", OptionType::kUint, "300",
      "seconds sendmail may take to queue a message before it is killed and the message "
      "deferred (below Postfix's command_time_limit, which would bounce it)",
      kFilter | kReportTool},
     check_range<1, 3600>},
    {{"sign-failure-action", OptionType::kString, "pass",
      "mail that should be signed but cannot be: pass (unsigned) or tempfail", kFilter},
     check_sign_failure_action},
    {{"internal-hosts", OptionType::kString, "",
      "clients whose mail is signed, besides SASL users and local submissions (CIDR, names, "
      "!exclusions; a path starting with / is a file); empty: all in mode sign, loopback in "
      "mode auto",
      kFilter},
     check_string},
    {{"filter-listen", OptionType::kString, "inet:127.0.0.1:10025",
      "where postseal-filter --daemon listens: unix:PATH or inet:HOST:PORT, comma-separated, "
      "each optionally followed by mode=sign|verify|auto and before-queue",
      kFilter},
     check_string},
    {{"next-hop", OptionType::kString, "inet:127.0.0.1:10026",
      "where postseal-filter --daemon passes mail on (Postfix's reinjection smtpd): "
      "inet:HOST:PORT or unix:PATH",
      kFilter},
     check_listen},
    {{"next-hop-timeout", OptionType::kUint, "60",
      "seconds postseal-filter --daemon waits for the next hop before answering 451; keep "
      "it below smtpd_proxy_timeout",
      kFilter},
     check_range<1, 3600>},
    {{"smtp-timeout", OptionType::kUint, "300",
      "seconds postseal-filter --daemon waits for its client's next command or data", kFilter},
     check_range<1, 3600>},
    {{"xforward-hosts", OptionType::kString, "127.0.0.0/8, ::1",
      "clients of postseal-filter --daemon allowed to send XFORWARD (Postfix's "
      "smtpd_authorized_xforward_hosts); unix-socket clients always are",
      kFilter},
     check_string},
    {{"smtp-line-limit", OptionType::kUint, "4096",
      "longest SMTP command line postseal-filter --daemon reads, in bytes without CRLF "
      "(500 5.5.2 beyond; RFC 5321 asks for at least 510)",
      kFilter},
     check_range<510, 1048576>},
    {{"message-size-limit", OptionType::kUint, "0",
      "largest message postseal-filter --daemon takes, in bytes (552 5.3.4 beyond); 0: no "
      "limit of its own (Postfix's message_size_limit applies)",
      kFilter},
     check_uint},
    {{"user", OptionType::kString, "",
      "the user a daemon runs as once its sockets are open (e.g. postseal); empty: no change",
      kFilter | kPolicyd},
     check_string},
    {{"group", OptionType::kString, "",
      "the group a daemon runs as (supplementary groups are cleared); empty: the user's "
      "login group",
      kFilter | kPolicyd},
     check_string},
    {{"run-as-root", OptionType::kBool, "no",
      "let postseal-filter --daemon or postseal-policyd go on running as root when no user "
      "is set (not recommended)",
      kFilter | kPolicyd},
     check_bool},
    {{"log-file", OptionType::kString, "",
      "append log lines to this file instead of syslog (mail facility)", kFilter | kPolicyd},
     check_string},
    {{"dns", OptionType::kString, "",
      "DNS server to ask, HOST or HOST:PORT; empty means those in /etc/resolv.conf",
      kChecking | kReportTool | kKeyTool},
     check_string},
    {{"dns-timeout", OptionType::kUint, "5",
      "seconds a DNS query may take before it counts as a temporary error",
      kChecking | kReportTool | kKeyTool},
     check_range<1, 300>},
    {{"dns-trust-anchor", OptionType::kString, "",
      "DNSSEC trust anchor file (e.g. /usr/share/dns/root.key); empty: no validation",
      kChecking | kReportTool | kKeyTool},
     check_string},
    {{"max-signatures", OptionType::kUint, "8",
      "DKIM signatures checked per message; later ones are reported as not checked",
      kFilter | kVerifyTool},
     check_range<1, 100>},
    {{"max-header-fields", OptionType::kUint, "1000",
      "header fields read per message; a message with more is passed on unchanged "
      "(verify: dkim=permerror, sign: sign-failure-action)",
      kFilter | kSignTool | kVerifyTool},
     check_range<10, 100000>},
    {{"header-field-size-limit", OptionType::kUint, "102400",
      "longest header field in bytes, folded lines included; a longer one is handled as "
      "max-header-fields is",
      kFilter | kSignTool | kVerifyTool},
     check_range<1000, 16777216>},
    {{"header-size-limit", OptionType::kUint, "1048576",
      "the whole header block's bytes; a larger one is handled as max-header-fields is",
      kFilter | kSignTool | kVerifyTool},
     check_range<1000, 67108864>},
    {{"dns-lookup-limit", OptionType::kUint, "250",
      "DNS lookups for one message (DKIM keys, the DMARC walk, SPF) or one SPF check of "
      "postseal-policyd (the default covers every check's own RFC limits); those past it "
      "are not made and give temperror",
      kChecking},
     check_range<1, 10000>},
    {{"message-time-limit", OptionType::kUint, "60",
      "seconds from the first DNS lookup of one message (or one SPF check of "
      "postseal-policyd) after which no lookup is started; those give temperror (RFC 7208 "
      "asks for at least 20)",
      kChecking},
     check_range<1, 3600>},
    {{"dmarc", OptionType::kBool, "yes",
      "evaluate DMARC (RFC 9989) for verified mail and add dmarc= to Authentication-Results",
      kFilter | kVerifyTool},
     check_bool},
    {{"dmarc-override-networks", OptionType::kString, "",
      "clients (forwarders, mailing lists) whose DMARC failures are never quarantined or "
      "rejected (CIDR, names, !exclusions; a path starting with / is a file)",
      kFilter | kVerifyTool},
     check_string},
    {{"dmarc-override-networks-reason", OptionType::kString, "trusted_forwarder",
      "the RFC 9990 override reason recorded for dmarc-override-networks: local_policy, "
      "mailing_list, trusted_forwarder or other",
      kFilter | kVerifyTool},
     check_override_reason},
    {{"dmarc-override-domains", OptionType::kString, "",
      "From domains, or domains with an SPF or DKIM pass, whose DMARC failures are never "
      "quarantined or rejected (\".example.com\" covers subdomains; or a file)",
      kFilter | kVerifyTool},
     check_string},
    {{"dmarc-override-domains-reason", OptionType::kString, "local_policy",
      "the RFC 9990 override reason recorded for dmarc-override-domains: local_policy, "
      "mailing_list, trusted_forwarder or other",
      kFilter | kVerifyTool},
     check_override_reason},
    {{"reject-multiple-from", OptionType::kBool, "no",
      "on a before-queue listener, refuse (550 5.7.1) a message whose From names several "
      "domains or that has several From fields (no DMARC verdict is possible)",
      kFilter},
     check_bool},
    {{"history", OptionType::kString, "sqlite:/var/lib/postseal/history.db",
      "where DMARC evaluations are recorded for aggregate reports: sqlite:PATH, a "
      "postgresql:// URI or a libpq conninfo; empty: no history",
      kReportTool | kFilter},
     check_string},
    {{"report-org-name", OptionType::kString, "",
      "org_name in DMARC aggregate reports; empty means the domain of report-email",
      kReportTool},
     check_string},
    {{"report-email", OptionType::kString, "",
      "contact address in DMARC aggregate reports; its domain names the receiver in the "
      "file names",
      kReportTool},
     check_string},
    {{"listen", OptionType::kString, "unix:/run/postseal/policyd.sock",
      "where postseal-policyd listens: unix:PATH or inet:HOST:PORT", kPolicyd},
     check_listen},
    {{"socket-mode", OptionType::kString, "0660",
      "permissions of a daemon's unix sockets (octal)", kPolicyd | kFilter},
     check_mode},
    {{"socket-owner", OptionType::kString, "",
      "owner of a daemon's unix sockets (name or number); empty: the daemon's user",
      kPolicyd | kFilter},
     check_string},
    {{"socket-group", OptionType::kString, "",
      "group of a daemon's unix sockets (name or number); empty: the daemon's group",
      kPolicyd | kFilter},
     check_string},
    {{"idle-timeout", OptionType::kUint, "300",
      "seconds a policy connection may stay idle between requests", kPolicyd},
     check_positive},
    {{"request-timeout", OptionType::kUint, "30",
      "seconds from the first byte of a policy request to its last", kPolicyd},
     check_positive},
    {{"request-line-limit", OptionType::kUint, "4096",
      "longest policy request line in bytes; a longer one makes the request malformed",
      kPolicyd},
     check_positive},
    {{"request-attribute-limit", OptionType::kUint, "100",
      "most attributes in one policy request; more make the request malformed", kPolicyd},
     check_positive},
    {{"max-connections", OptionType::kUint, "100",
      "connections a daemon serves at once (policy or SMTP); more wait until one ends",
      kPolicyd | kFilter},
     check_positive},
    {{"spf-fail-action", OptionType::kString, "reject",
      "SPF fail: reject (550 5.7.23), defer (451 4.7.23) or prepend the header", kPolicyd},
     check_fail_action},
    {{"spf-softfail-action", OptionType::kString, "prepend",
      "SPF softfail: reject (550 5.7.23), defer (451 4.7.23) or prepend the header", kPolicyd},
     check_fail_action},
    {{"spf-temperror-action", OptionType::kString, "defer",
      "SPF temperror (DNS trouble): defer (451 4.7.24) or prepend the header", kPolicyd},
     check_temperror_action},
    {{"spf-permerror-action", OptionType::kString, "reject",
      "SPF permerror (a broken record): reject (550 5.7.24) or prepend the header", kPolicyd},
     check_permerror_action},
    {{"malformed-request-action", OptionType::kString, "dunno",
      "a malformed policy request: dunno, or defer (451 4.3.5)", kPolicyd},
     check_malformed_action},
    {{"header-type", OptionType::kString, "received-spf",
      "the header prepended: received-spf or authentication-results", kPolicyd},
     check_header_type},
    {{"skip-networks", OptionType::kString, "127.0.0.0/8, ::1",
      "clients never checked (CIDR, names, !exclusions; a path starting with / is a file)",
      kPolicyd},
     check_string},
    {{"skip-helo", OptionType::kString, "",
      "HELO names never checked (\".example.com\" covers subdomains; or a file)", kPolicyd},
     check_string},
    {{"skip-senders", OptionType::kString, "",
      "sender domains never checked (\".example.com\" covers subdomains; or a file)", kPolicyd},
     check_string},
    {{"skip-sasl", OptionType::kBool, "yes", "never check SASL-authenticated clients",
      kPolicyd},
     check_bool},
    {{"receiver", OptionType::kString, "",
      "our name in Received-SPF (receiver=); postseal-filter believes only fields with it; "
      "empty means the host name",
      kPolicyd | kFilter},
     check_string},
};

const std::vector<OptionSpec>& specs() {
  static const std::vector<OptionSpec> v = [] {
    std::vector<OptionSpec> out;
    for (const auto& r : kRows) out.push_back(r.spec);
    return out;
  }();
  return v;
}

const Row* find_row(std::string_view name) {
  for (const auto& r : kRows)
    if (r.spec.name == name) return &r;
  return nullptr;
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

/// Applies the "name = value" lines of `text` (read from `file`) to `values`. Options of
/// other programs are validated but not applied: one file serves every program.
void apply_file(std::string_view text, const std::string& file, unsigned programs,
                std::map<std::string, std::string, std::less<>>& values) {
  auto lines = detail::split_lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string where = file + ":" + std::to_string(i + 1) + ": ";
    std::string_view line = lines[i];

    // A '#' that begins the line or follows white space starts a comment, so a
    // trailing remark is not taken as part of a path; a '#' inside a word is kept.
    for (std::size_t p = 0; p < line.size(); ++p) {
      if (line[p] == '#' && (p == 0 || line[p - 1] == ' ' || line[p - 1] == '\t')) {
        line = line.substr(0, p);
        break;
      }
    }
    line = detail::trim(line);
    if (line.empty()) continue;

    auto eq = line.find('=');
    if (eq == std::string_view::npos) throw ConfigError(where + "expected \"name = value\"");
    std::string_view name = detail::trim(line.substr(0, eq));
    std::string_view value = detail::trim(line.substr(eq + 1));
    if (name.empty()) throw ConfigError(where + "expected \"name = value\"");

    const Row* row = find_row(name);
    if (row == nullptr) throw ConfigError(where + "unknown option " + quoted(name));
    if (name == "config")
      throw ConfigError(where + "option \"config\" is only meaningful on the command line");
    auto checked = row->check(value);
    if (!checked.ok())
      throw ConfigError(where + "invalid value " + quoted(value) + " for " + std::string(name) +
                        ": " + checked.message());
    if (row->spec.programs & programs) values[std::string(name)] = std::move(checked).value();
  }
}

/// The stored value of a table option of `type`; anything else is a bug in the caller.
const std::string& value_of(const std::map<std::string, std::string, std::less<>>& values,
                            std::string_view name, OptionType type) {
  const OptionSpec* spec = find_option(name);
  POSTSEAL_CHECK(spec != nullptr);
  POSTSEAL_CHECK(spec->type == type);
  auto it = values.find(name);
  POSTSEAL_CHECK(it != values.end());
  return it->second;
}

}  // namespace

std::vector<std::string> split_list(std::string_view v) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : v) {
    if (c == ':' || c == ',' || c == ' ' || c == '\t') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

Result<bool> parse_bool(std::string_view v) {
  auto w = check_bool(v);
  if (!w.ok()) return Error{w.message()};
  return *w == "yes";
}

std::string config_file_to_read(const po::variables_map& cmdline) {
  if (cmdline.count("config")) return cmdline["config"].as<std::string>();
  // The default file is optional; a file named on the command line is not.
  std::string def(find_option("config")->default_value);
  struct stat st;
  return ::stat(def.c_str(), &st) == 0 ? def : std::string();
}

std::span<const OptionSpec> option_table() { return specs(); }

namespace {

/// "postseal-filter, postseal-policyd, postseal sign" for a program mask.
std::string program_names(unsigned programs) {
  std::string out;
  auto add = [&](unsigned bit, const char* name) {
    if ((programs & bit) == 0) return;
    if (!out.empty()) out += ", ";
    out += name;
  };
  add(kFilter, "postseal-filter");
  add(kPolicyd, "postseal-policyd");
  add(kSignTool, "postseal sign");
  add(kVerifyTool, "postseal verify");
  add(kReportTool, "postseal report");
  return out;
}

/// `text` as "# " comment lines of at most `width` columns, broken at spaces.
std::string comment_wrapped(std::string_view text, std::size_t width) {
  std::string out, line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(start, end - start);
    if (!line.empty() && 2 + line.size() + 1 + word.size() > width) {
      out += "# " + line + "\n";
      line.clear();
    }
    if (!line.empty()) line += ' ';
    line += word;
    start = end + 1;
  }
  if (!line.empty()) out += "# " + line + "\n";
  return out;
}

}  // namespace

std::string commented_defaults() {
  std::string out =
      "# postseal.conf -- the configuration of postseal-filter, postseal-policyd and the\n"
      "# postseal tool; see postseal.conf(5).\n"
      "#\n"
      "# Every option is listed below, commented out, with its built-in default. To change\n"
      "# one, remove the '#' in front of its name and edit the value. Syntax: \"name = "
      "value\",\n"
      "# one per line; a '#' at the start of a line or after white space starts a comment.\n"
      "# Check the file with postseal-filter --check-config and postseal-policyd\n"
      "# --check-config. Written by \"postseal config --defaults\" from the option table.\n";
  for (const auto& r : kRows) {
    const OptionSpec& s = r.spec;
    if (s.name == "config") continue;  // only meaningful on the command line
    out += "\n";
    out += comment_wrapped(s.description, 88);
    out += "# (" + program_names(s.programs) + ")\n";
    out += "#" + std::string(s.name) + " =";
    if (!s.default_value.empty()) out += " " + std::string(s.default_value);
    out += "\n";
  }
  return out;
}

const OptionSpec* find_option(std::string_view name) {
  for (const auto& s : specs())
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<std::string> explicit_flags(std::vector<std::string> args) {
  for (auto& a : args) {
    if (a == "--") break;
    if (!a.starts_with("--")) continue;
    const Row* row = find_row(std::string_view(a).substr(2));
    if (row != nullptr && row->spec.type == OptionType::kBool) a += "=yes";
  }
  return args;
}

void Settings::describe(po::options_description& desc, unsigned programs) {
  for (const auto& r : kRows) {
    const OptionSpec& s = r.spec;
    if ((s.programs & programs) == 0) continue;
    std::string help =
        std::string(s.description) + " (default: " +
        (s.default_value.empty() ? std::string("none") : std::string(s.default_value)) + ")";
    // No Boost default_value: load() must tell "given" from "not given", so the file
    // is not overridden by a default that merely looks like a command-line value.
    auto* sem = po::value<std::string>();
    if (s.type == OptionType::kBool) sem->implicit_value("yes");
    desc.add_options()(std::string(s.name).c_str(), sem, help.c_str());
  }
}

Settings Settings::load(const po::variables_map& cmdline, const std::string& config_file,
                        unsigned programs) {
  Settings s;
  s.programs_ = programs;
  for (const auto& r : kRows)
    s.values_[std::string(r.spec.name)] = std::string(r.spec.default_value);

  if (!config_file.empty()) {
    s.values_["config"] = config_file;
    auto data = detail::read_file(config_file);
    if (!data.ok()) throw ConfigError(config_file + ": cannot read: " + data.message());
    apply_file(data->bytes, config_file, programs, s.values_);
  }

  for (const auto& r : kRows) {
    if ((r.spec.programs & programs) == 0) continue;
    std::string name(r.spec.name);
    if (cmdline.count(name) == 0 || cmdline[name].defaulted()) continue;
    std::string value = cmdline[name].as<std::string>();
    auto checked = r.check(value);
    if (!checked.ok())
      throw ConfigError("--" + name + ": invalid value " + quoted(value) + ": " +
                        checked.message());
    s.values_[name] = std::move(checked).value();
  }
  return s;
}

const std::string& Settings::str(std::string_view name) const {
  return value_of(values_, name, OptionType::kString);
}

bool Settings::flag(std::string_view name) const {
  return value_of(values_, name, OptionType::kBool) == "yes";
}

uint64_t Settings::uint(std::string_view name) const {
  // Stored values passed check_uint (or are table defaults), so this cannot overflow.
  return std::stoull(value_of(values_, name, OptionType::kUint));
}

std::vector<std::string> Settings::list(std::string_view name) const {
  return split_list(value_of(values_, name, OptionType::kList));
}

std::string Settings::dump(bool only_changed) const {
  std::string out;
  for (const auto& s : specs()) {
    if ((s.programs & programs_) == 0) continue;
    auto it = values_.find(s.name);
    const std::string& v = it == values_.end() ? std::string() : it->second;
    if (only_changed && v == s.default_value) continue;
    out += std::string(s.name) + " = " + v + "\n";
  }
  return out;
}

}  // namespace postseal::config
