/// \file
/// postseal report aggregate: reads the DMARC history for a period and writes one RFC
/// 9990 aggregate report per policy domain, gzipped, under the RFC's file name, into a
/// directory. Sending them (postseal report send) is a separate step. Exit 0 with the
/// file names on stdout (none when the period saw no DMARC mail), 74 (EX_IOERR, from
/// main's TempFailure) when the store cannot be read, 73 (EX_CANTCREAT) when a file
/// cannot be written.
#include "config.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <sysexits.h>

#include "config/options.h"
#include "history/aggregate.h"
#include "history/row.h"
#include "history/store.h"
#include "tools/commands.h"
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

int run_aggregate(const std::vector<std::string>& args) {
  po::options_description desc("postseal report aggregate options");
  desc.add_options()("help,h", "show this help")(
      "period", po::value<std::string>()->default_value(""),
      "BEGIN..END (YYYY-MM-DD or seconds since the epoch, END excluded) or one UTC day "
      "YYYY-MM-DD; empty: yesterday (UTC)")("directory,d",
                                            po::value<std::string>()->default_value("."),
                                            "where the .xml.gz files are written");
  config::Settings::describe(desc, config::kReportTool);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(config::explicit_flags(args)).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
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

}  // namespace

int run_report(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "aggregate")
    return run_aggregate(std::vector<std::string>(args.begin() + 1, args.end()));
  throw UsageError("usage: postseal report aggregate [--period P] [--directory DIR]");
}

}  // namespace postseal::tools
