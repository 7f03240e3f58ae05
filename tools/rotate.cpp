/// \file
/// postseal rotate: replaces a domain's DKIM key without breaking mail. It makes the
/// next key and its record (or reuses the one an earlier, interrupted run made), waits
/// until the record is visible in DNS and holds the new key's public half (through the
/// resolver, and each --authoritative server asked directly), and only then rewrites
/// the domain's KeyTable entry (temp file + rename, every other line kept) and asks the
/// running daemon to reload. The old record must stay published for a grace period:
/// mail signed with the old key is still in queues and in transit, and receivers
/// verify a signature when the mail arrives. Exit codes in postseal(1).
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <thread>

#include <boost/program_options.hpp>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "config/key_store.h"
#include "config/key_table_edit.h"
#include "config/options.h"
#include "config/text_file.h"
#include "dkim/key_probe.h"
#include "dkim/signer.h"
#include "dns/unbound_resolver.h"
#include "io/fd_io.h"
#include "tools/commands.h"
#include "tools/key_files.h"
#include "tools/message_args.h"
#include "util/ascii.h"
#include "util/errors.h"
#include "util/unique_fd.h"

namespace po = boost::program_options;

namespace postseal::tools {
namespace {

/// A place the new record is looked up: the resolver of the settings (dns), or one of
/// the domain's authoritative servers asked directly.
struct View {
  std::string label;     ///< "resolver" or "authoritative 192.0.2.1"
  std::string upstream;  ///< dns's HOST[:PORT] form; empty: /etc/resolv.conf
};

std::string utc_time(std::time_t t, const char* format) {
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

std::string directory_part(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

/// The key field of the KeyTable as a file name: relative paths are taken from the
/// KeyTable's directory (as config/key_store.cpp reads them).
std::string key_file_of(const std::string& field, const std::string& key_table) {
  if (field.starts_with("/")) return field;
  std::string dir = directory_part(key_table);
  return (dir.empty() ? std::string("./") : dir) + field;
}

/// The next selector: "sYYYYMM" of today (UTC), or "sYYYYMMDD" when that is the
/// selector in use; the user names one with --selector when both are taken.
std::string next_selector(const std::string& old, std::time_t now) {
  std::string month = utc_time(now, "s%Y%m");
  if (month != old) return month;
  std::string day = utc_time(now, "s%Y%m%d");
  if (day != old) return day;
  throw UsageError("the selector " + old + " is today's; name the new one with --selector");
}

/// One lookup of the new record in `view`, with a fresh resolver and no cache of our
/// own, so that an earlier "not found" is not remembered by this process.
dkim::KeyProbe probe_in(const View& view, const config::Settings& settings,
                        const std::string& domain, const std::string& selector,
                        const dkim::PrivateKey& key) {
  dns::UnboundOptions o = dns::unbound_options(settings);
  if (!view.upstream.empty()) o.upstream = view.upstream;
  o.cache_entries = 0;
  auto resolver = dns::UnboundResolver::create(o);
  if (!resolver.ok()) throw ConfigError(view.label + ": " + resolver.message());
  return dkim::probe_key(**resolver, domain, selector, &key);
}

/// Visible for signing: the record is there and holds the new key. A t=y record or one
/// too big for plain UDP is still the right key (testkey reports those).
bool usable(dkim::KeyOutcome o) {
  return o == dkim::KeyOutcome::kOk || o == dkim::KeyOutcome::kTesting ||
         o == dkim::KeyOutcome::kTcpOnly;
}

/// Writes `text` to `path` atomically: a temp file in the same directory with the old
/// file's mode and owner, flushed, then renamed over it, so a daemon that reloads at
/// any moment reads the old table or the new one, never half of one.
void replace_file(const std::string& path, const std::string& text) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    throw TempFailure("cannot examine " + path + ": " + std::strerror(errno));
  std::string tmp = path + ".rotate.XXXXXX";
  UniqueFd fd(::mkostemp(tmp.data(), O_CLOEXEC));
  if (!fd)
    throw TempFailure("cannot create a temp file next to " + path + ": " +
                      std::strerror(errno));
  try {
    if (::fchmod(fd.get(), st.st_mode & 07777) != 0)
      throw TempFailure("cannot chmod " + tmp + ": " + std::strerror(errno));
    // Keep the owner when we may (as root); otherwise the file stays ours.
    if (::geteuid() == 0 && ::fchown(fd.get(), st.st_uid, st.st_gid) != 0)
      throw TempFailure("cannot chown " + tmp + ": " + std::strerror(errno));
    io::write_all(fd.get(), text, tmp);
    if (::fsync(fd.get()) != 0 || ::close(fd.release()) != 0)
      throw TempFailure("cannot write " + tmp + ": " + std::strerror(errno));
    if (::rename(tmp.c_str(), path.c_str()) != 0)
      throw TempFailure("cannot rename " + tmp + " to " + path + ": " + std::strerror(errno));
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
}

/// Asks the daemon to reload: SIGHUP to the pid in `pid_file`, or `command` run by
/// /bin/sh. Returns an empty string on success, else what went wrong.
std::string reload(const std::string& pid_file, const std::string& command) {
  if (!pid_file.empty()) {
    auto data = config::detail::read_file(pid_file);
    if (!data.ok()) return "cannot read " + pid_file + ": " + data.message();
    std::string text(config::detail::trim(data->bytes));
    char* end = nullptr;
    long pid = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || pid <= 1)
      return pid_file + " holds no process id (\"" + text + "\")";
    if (::kill(static_cast<pid_t>(pid), SIGHUP) != 0)
      return "cannot signal process " + text + " from " + pid_file + ": " +
             std::strerror(errno);
    std::cout << "reload: sent SIGHUP to process " << text << " (" << pid_file << ")\n";
  }
  if (!command.empty()) {
    std::cout.flush();
    int st = std::system(command.c_str());
    if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
      return "the --reload-command \"" + command + "\" failed (status " +
             std::to_string(st == -1        ? -1
                            : WIFEXITED(st) ? WEXITSTATUS(st)
                                            : 128) +
             ")";
    std::cout << "reload: ran \"" << command << "\"\n";
  }
  return "";
}

}  // namespace

int run_rotate(const std::vector<std::string>& args) {
  po::options_description desc("postseal rotate options");
  desc.add_options()("help,h", "show this help")(
      "key-name", po::value<std::string>(),
      "the KeyTable entry to rotate, when DOMAIN has several")(
      "type", po::value<std::string>(), "rsa or ed25519 (default: the old key's type)")(
      "bits", po::value<int>(),
      "RSA key size, 1024 to 4096 (default: the old key's, at "
      "least 2048)")(
      "wait", po::value<unsigned>()->default_value(3600),
      "seconds to wait for the new record to be visible; then exit 75, nothing switched")(
      "interval", po::value<unsigned>()->default_value(30),
      "seconds between two lookups of the new record")(
      "authoritative", po::value<std::vector<std::string>>()->composing(),
      "HOST[:PORT] of a server of the domain's own (repeat): the record must be visible "
      "there too, asked directly")("grace", po::value<unsigned>()->default_value(7),
                                   "days the old record must stay published after the switch")(
      "pid-file", po::value<std::string>(),
      "after the switch, send SIGHUP to the process in this file (postseal-filter --daemon)")(
      "reload-command", po::value<std::string>(),
      "after the switch, run this shell command (e.g. \"systemctl reload postseal-filter\")");
  config::Settings::describe(desc, config::kKeyTool);
  po::variables_map vm = parse_tool_args(args, desc);
  if (vm.count("help")) {
    std::cout << "usage: postseal rotate --domain D [--selector NEW] [--key-table FILE] "
                 "[--wait S] [--interval S]\n"
                 "       [--authoritative HOST[:PORT]]... [--grace DAYS] [--pid-file FILE | "
                 "--reload-command CMD]\n"
              << desc;
    return 0;
  }
  auto settings = config::Settings::load(vm, config::config_file_to_read(vm), config::kKeyTool);
  const std::string domain = ascii_lower(settings.str("domain"));
  const std::string& table = settings.str("key-table");
  if (domain.empty()) throw UsageError("name the domain to rotate: --domain D");
  if (table.empty())
    throw UsageError(
        "rotate switches a KeyTable entry: give --key-table FILE (or key-table "
        "in postseal.conf); for the single-domain domain/selector/key-file "
        "settings, move them into a KeyTable first");
  const unsigned interval = std::max(1u, vm["interval"].as<unsigned>());
  const unsigned wait = vm["wait"].as<unsigned>();

  // The entry to rotate.
  auto data = config::detail::read_file(table);
  if (!data.ok()) throw ConfigError(table + ": cannot read key table: " + data.message());
  auto entries = config::key_table_entries(data->bytes);
  if (!entries.ok()) throw ConfigError(table + ": " + entries.message());
  std::vector<config::KeyTableEntry> mine;
  for (const auto& e : *entries)
    if (ascii_lower(e.domain) == domain &&
        (!vm.count("key-name") || e.name == vm["key-name"].as<std::string>()))
      mine.push_back(e);
  if (mine.empty())
    throw ConfigError(
        table + ": no entry for " + domain +
        (vm.count("key-name") ? " named " + vm["key-name"].as<std::string>() : "") +
        "; add one (\"NAME " + domain + ":SELECTOR:/path/to/key\")");
  if (mine.size() > 1) {
    std::string names;
    for (const auto& e : mine) names += " " + e.name;
    throw UsageError(table + " has several entries for " + domain + ":" + names +
                     "; name one with --key-name");
  }
  const config::KeyTableEntry old = mine.front();
  if (!old.key.starts_with("/") && !old.key.starts_with("./") && !old.key.starts_with("../"))
    throw ConfigError(table + ":" + std::to_string(old.line) + ": the key of " + old.name +
                      " is inline; rotate writes key files: put the key in a file first");
  const std::string old_file = key_file_of(old.key, table);
  auto old_key = config::load_key_file(old_file, settings.flag("require-safe-keys"));
  struct stat old_st;
  if (::stat(old_file.c_str(), &old_st) != 0)
    throw TempFailure("cannot examine " + old_file + ": " + std::strerror(errno));

  // The new selector and its key file, next to the old one.
  const std::time_t now = std::time(nullptr);
  std::string selector = vm.count("selector") ? vm["selector"].as<std::string>()
                                              : next_selector(old.selector, now);
  if (!dkim::is_domain_name(selector))
    throw UsageError("--selector " + selector + ": not a DNS label (letters, digits, '-')");
  if (selector == old.selector)
    throw UsageError("--selector " + selector + " is the selector in use; name a new one");
  const std::string new_field = directory_part(old.key) + selector + ".private";
  const std::string new_file = key_file_of(new_field, table);
  const std::string txt_file = key_file_of(directory_part(old.key) + selector + ".txt", table);

  // An earlier run may have made the key and its record may be published already:
  // reuse it, never replace it (a new key would not match the published record).
  std::shared_ptr<const dkim::PrivateKey> key;
  struct stat st;
  if (::stat(new_file.c_str(), &st) == 0) {
    key = config::load_key_file(new_file, settings.flag("require-safe-keys"));
    std::cout << "reusing " << new_file << " (made by an earlier rotate)\n";
  } else {
    dkim::KeyType type = old_key->type();
    if (vm.count("type")) type = parse_key_type(vm["type"].as<std::string>());
    int bits = vm.count("bits") ? vm["bits"].as<int>() : std::max(old_key->bits(), 2048);
    auto made = dkim::PrivateKey::generate(type, bits);
    if (!made.ok()) throw UsageError(made.message());
    key = std::make_shared<const dkim::PrivateKey>(std::move(made).value());
    // The daemon reads the new key as it reads the old one: same owner, mode 0600.
    Owner owner{old_st.st_uid, old_st.st_gid};
    const Owner* as = ::geteuid() == 0 ? &owner : nullptr;
    write_file(new_file, key->private_pem(), 0600, as);
    write_file(txt_file, zone_line(selector, domain, key->public_record()), 0644, as);
    std::cout << "wrote " << new_file << " (private key, mode 0600) and " << txt_file << "\n";
  }
  std::cout << "publish this TXT record at " << selector << "._domainkey." << domain << ":\n"
            << zone_line(selector, domain, key->public_record())
            << "as one string: " << key->public_record() << "\n";

  // Wait until every view shows the record with the new key.
  std::vector<View> views{{"resolver", ""}};
  if (vm.count("authoritative"))
    for (const auto& a : vm["authoritative"].as<std::vector<std::string>>())
      views.push_back({"authoritative " + a, a});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait);
  std::vector<dkim::KeyProbe> last(views.size());
  for (;;) {
    bool all = true;
    for (size_t i = 0; i < views.size(); ++i) {
      last[i] = probe_in(views[i], settings, domain, selector, *key);
      if (!usable(last[i].outcome)) all = false;
    }
    if (all) break;
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::seconds(0)) {
      int code = EX_TEMPFAIL;
      for (size_t i = 0; i < views.size(); ++i) {
        if (usable(last[i].outcome)) continue;
        std::cout << "not visible: " << views[i].label << ": ";
        print_key_probe(last[i], domain, selector, "");
        // A record that is there but wrong will not fix itself: say so by its code.
        dkim::KeyOutcome o = last[i].outcome;
        if (code == EX_TEMPFAIL && o != dkim::KeyOutcome::kNotFound &&
            o != dkim::KeyOutcome::kDnsError && o != dkim::KeyOutcome::kCnameBroken)
          code = testkey_exit_code(o);
      }
      std::cout << "not switched: " << old.name << " still signs with s=" << old.selector
                << " (" << table << " unchanged); publish the record and run rotate again, "
                << "it reuses " << new_file << "\n";
      return code;
    }
    for (size_t i = 0; i < views.size(); ++i)
      if (!usable(last[i].outcome))
        std::cout << "waiting: " << views[i].label << ": " << dkim::to_string(last[i].outcome)
                  << ": " << last[i].message << "\n";
    std::cout.flush();
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(left, std::chrono::seconds(interval)));
  }
  std::cout << "visible: s=" << selector << " in";
  for (const auto& v : views) std::cout << " " << v.label << ";";
  std::cout << " the record matches " << new_file << "\n";

  // Switch: the new table must load (with the SigningTable, when there is one) before
  // it replaces the old.
  auto text = config::replace_key_table_entry(data->bytes, old.line, selector, new_field);
  if (!text.ok()) throw ConfigError(table + ": " + text.message());
  replace_file(table, *text);
  if (!settings.str("signing-table").empty()) {
    config::KeyStoreOptions ko;
    ko.key_table = table;
    ko.signing_table = settings.str("signing-table");
    ko.require_safe_keys = settings.flag("require-safe-keys");
    try {
      (void)config::KeyStore::load(ko);
    } catch (const ConfigError& e) {
      replace_file(table, data->bytes);
      throw ConfigError(std::string("the new key table does not load, the old one is back: ") +
                        e.what());
    }
  }
  std::cout << "switched: " << old.name << " " << domain << ": s=" << old.selector
            << " -> s=" << selector << " in " << table << "\n";

  std::string reload_error =
      reload(vm.count("pid-file") ? vm["pid-file"].as<std::string>() : "",
             vm.count("reload-command") ? vm["reload-command"].as<std::string>() : "");
  if (!vm.count("pid-file") && !vm.count("reload-command"))
    std::cout << "reload: none asked; the pipe filter reads the KeyTable for each message, a "
                 "running postseal-filter --daemon needs \"systemctl reload postseal-filter\" "
                 "(or --pid-file/--reload-command)\n";

  const unsigned grace = vm["grace"].as<unsigned>();
  std::cout << "old selector " << old.selector << ": keep " << old.selector << "._domainkey."
            << domain << " published until at least "
            << utc_time(now + static_cast<std::time_t>(grace) * 86400, "%Y-%m-%dT%H:%MZ")
            << " (" << grace
            << " days): mail signed with it is still in queues and in transit, and receivers "
               "verify a signature when the mail arrives; then remove the record and "
            << old_file << "\n";
  if (!reload_error.empty()) {
    std::cout << "warning: reload failed: " << reload_error
              << "; the daemon still signs with s=" << old.selector
              << " (still published): reload it by hand\n";
    return EX_TEMPFAIL;
  }
  return 0;
}

}  // namespace postseal::tools
