/// \file
/// postseal report aggregate: reads the DMARC history for a period and writes one RFC
/// 9990 aggregate report per policy domain, gzipped, under the RFC's file name, into a
/// directory. Exit 0 with the file names on stdout (none when the period saw no DMARC
/// mail), 74 (EX_IOERR, from main's TempFailure) when the store cannot be read, 73
/// (EX_CANTCREAT) when a file cannot be written.
///
/// postseal report send: mails each report file of a directory to the mailto: rua
/// addresses of its policy domain's DMARC record, looked up now, external destinations
/// only when RFC 9990 §4 authorizes them, through sendmail with the RFC's Subject. A sent
/// file moves to DIR/sent/, one with no authorized destination to DIR/unsent/ (both
/// said on stdout); a file that could not be sent (DNS trouble, sendmail failed) stays
/// for the next run, is named on stderr, and makes the exit 75 (EX_TEMPFAIL).
#include "config.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <dirent.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "config/options.h"
#include "dmarc/destinations.h"
#include "dmarc/evaluate.h"
#include "dns/unbound_resolver.h"
#include "filter/reinject.h"
#include "history/aggregate.h"
#include "history/report_mail.h"
#include "history/row.h"
#include "history/store.h"
#include "io/fd_io.h"
#include "tools/commands.h"
#include "tools/message_args.h"
#include "util/clock.h"
#include "util/errors.h"

namespace po = boost::program_options;

namespace postseal::tools {

namespace {

// Seconds the report may wait for the store: longer than the mail path's 2 s, since
// nobody waits on a report, but still bounded.
constexpr int kReadTimeoutSeconds = 30;

// Writes `data` to DIR/NAME through a temporary name, so that a reader (or `report
// send`) never sees half a file. Returns false on any error.
bool write_file(const std::string& dir, const std::string& name, const std::string& data) {
  std::string path = dir + "/" + name;
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    out.close();
    if (!out) {
      std::remove(tmp.c_str());
      return false;
    }
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

// Parses a subcommand's arguments against `desc` plus the report tool's options.
// Throws UsageError for bad arguments.
po::variables_map parse_args(const std::vector<std::string>& args,
                             po::options_description& desc) {
  config::Settings::describe(desc, config::kReportTool);
  return parse_tool_args(args, desc);
}

int run_aggregate(const std::vector<std::string>& args) {
  po::options_description desc("postseal report aggregate options");
  desc.add_options()("help,h", "show this help")(
      "period", po::value<std::string>()->default_value(""),
      "BEGIN..END (YYYY-MM-DD or seconds since the epoch, END excluded) or one UTC day "
      "YYYY-MM-DD; empty: yesterday (UTC)")("directory,d",
                                            po::value<std::string>()->default_value("."),
                                            "where the .xml.gz files are written");
  po::variables_map vm = parse_args(args, desc);
  if (vm.count("help")) {
    std::cout << "usage: postseal report aggregate [--period P] [--directory DIR]\n" << desc;
    return 0;
  }
  auto settings =
      config::Settings::load(vm, config::config_file_to_read(vm), config::kReportTool);
  std::string spec = settings.str("history");
  if (spec.empty()) throw ConfigError("history is empty: there is nothing to report");

  history::ReportInfo info;
  info.email = settings.str("report-email");
  info.receiver = history::address_domain(info.email);
  if (info.receiver.empty())
    throw ConfigError("report-email must be set to an address (it names the receiver)");
  info.org_name = settings.str("report-org-name");
  if (info.org_name.empty()) info.org_name = info.receiver;
  info.generator = "postseal " PACKAGE_VERSION;
  SystemClock clock;
  auto period = history::parse_period(vm["period"].as<std::string>(), clock.now());
  if (!period.ok()) throw UsageError(period.message());
  info.begin = period.value().first;
  info.end = period.value().second;

  auto store = history::open_store(spec, kReadTimeoutSeconds);
  auto rows = store->rows(info.begin, info.end, "");
  const std::string dir = vm["directory"].as<std::string>();
  for (const auto& report : history::build_reports(rows, info)) {
    if (!write_file(dir, report.file_name, history::gzip(report.xml))) {
      std::cerr << "postseal report aggregate: cannot write " << dir << "/" << report.file_name
                << "\n";
      return EX_CANTCREAT;
    }
    std::cout << report.file_name << "\n";
  }
  return 0;
}

// The report files of `dir` (top level only: sent/ and unsent/ are not looked at), by
// name, so a run is repeatable. Throws TempFailure when the directory cannot be read.
std::vector<std::string> report_files(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) throw TempFailure(dir + ": " + std::strerror(errno));
  while (struct dirent* e = ::readdir(d))
    if (history::parse_report_file_name(e->d_name)) out.emplace_back(e->d_name);
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

// Moves DIR/NAME to DIR/SUB/NAME (SUB created when missing). Returns why not, or "".
std::string move_to(const std::string& dir, const std::string& sub, const std::string& name) {
  std::string to = dir + "/" + sub;
  if (::mkdir(to.c_str(), 0755) != 0 && errno != EEXIST)
    return to + ": " + std::strerror(errno);
  if (std::rename((dir + "/" + name).c_str(), (to + "/" + name).c_str()) != 0)
    return "cannot move it to " + to + ": " + std::strerror(errno);
  return "";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream data;
  data << in.rdbuf();
  if (!in) throw TempFailure(path + ": cannot be read");
  return data.str();
}

std::string joined(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : sep) + x;
  return out;
}

int run_send(const std::vector<std::string>& args) {
  po::options_description desc("postseal report send options");
  desc.add_options()("help,h", "show this help")(
      "directory,d", po::value<std::string>()->default_value("."),
      "where postseal report aggregate wrote the .xml.gz files");
  po::variables_map vm = parse_args(args, desc);
  if (vm.count("help")) {
    std::cout << "usage: postseal report send [--directory DIR]\n" << desc;
    return 0;
  }
  auto settings =
      config::Settings::load(vm, config::config_file_to_read(vm), config::kReportTool);
  const std::string from = settings.str("report-email");
  if (history::address_domain(from).empty())
    throw ConfigError("report-email must be set to an address (reports are sent from it)");
  auto resolver = dns::UnboundResolver::create(dns::unbound_options(settings));
  if (!resolver.ok()) throw ConfigError(resolver.message());
  const std::string dir = vm["directory"].as<std::string>();
  SystemClock clock;

  int failed = 0;
  auto keep = [&](const std::string& name, const std::string& why) {
    std::cerr << "postseal report send: " << name << ": " << why << "; kept for the next run\n";
    ++failed;
  };
  for (const std::string& name : report_files(dir)) {
    const history::ReportFile f = *history::parse_report_file_name(name);
    // The rua of the record published at the policy domain now (RFC 9990 §3.4: the rua
    // tag of the DMARC Policy Record says where reports go), one Evaluator per report
    // so that each is judged on fresh answers (libunbound still caches them).
    dmarc::Evaluator evaluator(**resolver);
    dmarc::Walk w = evaluator.walk(f.policy_domain);
    const bool here = !w.found.empty() && w.found.front().domain == f.policy_domain;
    if (!here && w.temperror) {
      keep(name, "DMARC record lookup failed: " + w.error);
      continue;
    }
    std::string why;
    dmarc::Destinations to;
    if (!here) {
      why = "no DMARC record at _dmarc." + f.policy_domain;
    } else if (w.found.front().record.rua.empty()) {
      why = "the DMARC record of " + f.policy_domain + " has no rua";
    } else {
      to = dmarc::report_destinations(evaluator, **resolver, f.policy_domain,
                                      w.found.front().record.rua);
      if (to.temperror) {
        keep(name, "report destination check failed: " + to.error);
        continue;
      }
      for (const auto& r : to.refused) std::cout << name << ": not sent to " << r << "\n";
      if (to.addresses.empty()) why = "no authorized mailto: destination in rua";
    }
    if (!why.empty()) {
      std::string moved = move_to(dir, "unsent", name);
      if (!moved.empty()) {
        keep(name, why + ", and " + moved);
        continue;
      }
      std::cout << name << ": not sent: " << why << "; moved to unsent/\n";
      continue;
    }
    try {
      std::string message = history::report_message(f, name, read_file(dir + "/" + name), from,
                                                    to.addresses, clock.now());
      std::vector<std::string> argv = {settings.str("sendmail-path"), "-i", "-f", from, "--"};
      argv.insert(argv.end(), to.addresses.begin(), to.addresses.end());
      filter::reinject(
          argv, [&](const filter::Sink& out) { out(message); },
          static_cast<unsigned>(settings.uint("sendmail-timeout")));
    } catch (const TempFailure& e) {
      keep(name, e.what());
      continue;
    }
    // Sent: a second run must not send it again.
    std::string moved = move_to(dir, "sent", name);
    if (!moved.empty()) {
      std::cerr << "postseal report send: " << name << ": sent, but " << moved
                << " (remove it, or it is sent again)\n";
      ++failed;
      continue;
    }
    std::cout << name << ": sent to " << joined(to.addresses, ", ") << "\n";
  }
  return failed > 0 ? EX_TEMPFAIL : 0;
}

}  // namespace

int run_report(const std::vector<std::string>& args) {
  std::vector<std::string> rest(args.empty() ? args.end() : args.begin() + 1, args.end());
  if (!args.empty() && args[0] == "aggregate") return run_aggregate(rest);
  if (!args.empty() && args[0] == "send") return run_send(rest);
  if (!args.empty() && args[0] == "read") return run_report_read(rest);
  throw UsageError(
      "usage: postseal report aggregate [--period P] [--directory DIR]\n"
      "       postseal report send [--directory DIR]\n"
      "       postseal report read [--json] [--no-resolve] [FILE|MAILDIR|MBOX]...");
}

}  // namespace postseal::tools
