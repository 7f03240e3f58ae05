/// \file
/// history-rows: writes DMARC history rows into a store for t12-dmarc-history, through
/// lib/history's own Store (the code postseal-filter uses), so the system test can fill
/// SQLite and PostgreSQL alike and then run `postseal report aggregate` on them.
///
/// usage: history-rows SPEC < ROWS
/// ROWS: one row a line, tab-separated, "-" for an empty field, in this order:
///   time source_ip header_from envelope_from envelope_to policy_domain p sp np adkim
///   aspf testing dmarc_result dkim_aligned(0|1) spf_aligned(0|1) disposition_applied
///   disposition_requested override_reason spf_domain spf_scope spf_result dkim
/// where dkim is "d:s:result" items separated by "," (or "-" for none).
/// Prints "wrote N rows, schema version V"; exit 0, or 1 with the error.
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "history/store.h"

using namespace postseal;

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, sep)) out.push_back(item == "-" ? "" : item);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: history-rows SPEC < ROWS\n";
    return 2;
  }
  try {
    std::vector<history::Row> rows;
    std::string line;
    while (std::getline(std::cin, line)) {
      if (line.empty() || line[0] == '#') continue;
      auto f = split(line, '\t');
      if (f.size() != 22) {
        std::cerr << "history-rows: want 22 fields, got " << f.size() << ": " << line << "\n";
        return 1;
      }
      history::Row r;
      r.time = std::stoll(f[0]);
      std::string history::Row::*text[] = {&history::Row::source_ip,
                                           &history::Row::header_from,
                                           &history::Row::envelope_from,
                                           &history::Row::envelope_to,
                                           &history::Row::policy_domain,
                                           &history::Row::p,
                                           &history::Row::sp,
                                           &history::Row::np,
                                           &history::Row::adkim,
                                           &history::Row::aspf,
                                           &history::Row::testing,
                                           &history::Row::dmarc_result};
      size_t i = 1;
      for (auto member : text) r.*member = f[i++];
      r.dkim_aligned = f[i++] == "1";
      r.spf_aligned = f[i++] == "1";
      std::string history::Row::*more[] = {
          &history::Row::disposition_applied, &history::Row::disposition_requested,
          &history::Row::override_reason,     &history::Row::spf_domain,
          &history::Row::spf_scope,           &history::Row::spf_result};
      for (auto member : more) r.*member = f[i++];
      r.psd = "u";
      for (const auto& item : split(f[21], ',')) {
        auto d = split(item, ':');
        if (d.size() == 3) r.dkim.push_back({d[0], d[1], d[2]});
      }
      rows.push_back(std::move(r));
    }
    auto store = history::open_store(argv[1], 5);
    store->insert(rows);
    std::cout << "wrote " << rows.size() << " rows, schema version " << store->schema_version()
              << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "history-rows: " << e.what() << "\n";
    return 1;
  }
}
