/// \file
/// postseal report read [FILE|MAILDIR|MBOX]...: reads the DMARC aggregate reports others
/// sent to the domain's rua address (a report file, .xml/.xml.gz/.zip, a saved mail, a
/// Maildir or a directory of such files, an mbox, or standard input) and prints, per
/// report (policy domain and period), each source with its reverse name, message
/// count, disposition, DKIM and SPF results with alignment, and the group that says what
/// to do about it (report_triage.h); then the sources grouped by that. --json prints
/// the same as one JSON object.
///
/// Exit codes: 0 every input was read; 1 some input (or a part of one) could not be read
/// or was refused (one line on stderr each, naming it; the others are still printed);
/// 64 usage; 74 standard output cannot be written; 78 configuration.
#include "config.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <boost/program_options.hpp>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/options.h"
#include "dns/unbound_resolver.h"
#include "history/report_reader.h"
#include "history/report_triage.h"
#include "tools/commands.h"
#include "tools/message_args.h"
#include "util/errors.h"
#include "util/unique_fd.h"

namespace po = boost::program_options;

namespace postseal::tools {

namespace {

using history::ReadRecord;
using history::ReadReport;

struct Found {
  std::string source;  // the input and where in it
  ReadReport report;
};

class Reader {
 public:
  explicit Reader(const history::ReadLimits& limits) : limits_(limits) {}

  // Reads one operand: "-" (standard input), a file, an mbox, a Maildir or a directory.
  void read_operand(const std::string& path) {
    if (path == "-") return read_fd(STDIN_FILENO, "-");
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return fail(path, std::strerror(errno));
    if (S_ISDIR(st.st_mode)) {
      // A Maildir keeps mail in cur/ and new/ (tmp/ is being written); any other
      // directory is read as a directory of report files.
      bool maildir = false;
      for (const char* sub : {"cur", "new"}) {
        std::string d = path + "/" + sub;
        if (::stat(d.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
          maildir = true;
          read_directory(d);
        }
      }
      if (!maildir) read_directory(path);
      return;
    }
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return fail(path, std::strerror(errno));
    read_fd(fd.get(), path);
  }

  std::vector<Found>& found() { return found_; }
  int failures() const { return failures_; }

 private:
  void read_directory(const std::string& dir) {
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
    if (!d) return fail(dir, std::strerror(errno));
    std::vector<std::string> names;
    while (struct dirent* e = ::readdir(d.get()))
      if (e->d_name[0] != '.') names.emplace_back(e->d_name);
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
      std::string p = dir + "/" + n;
      struct stat st;
      if (::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode)) read_operand(p);
    }
  }

  // Reads at most the input cap (plus one byte, to tell a file that is larger), so a
  // huge file costs no more memory than the cap.
  void read_fd(int fd, const std::string& name) {
    struct stat st;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        static_cast<size_t>(st.st_size) > limits_.max_input_bytes)
      return fail(name, "larger than the cap of " +
                            std::to_string(limits_.max_input_bytes >> 20) +
                            " MiB (a report mail is far smaller); not read");
    std::string data;
    char buf[64 * 1024];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail(name, std::strerror(errno));
      if (n == 0) break;
      data.append(buf, static_cast<size_t>(n));
      if (data.size() > limits_.max_input_bytes)
        return fail(name, "larger than the cap of " +
                              std::to_string(limits_.max_input_bytes >> 20) + " MiB; not read");
    }
    // RFC 4155: an mbox starts with a "From " line; each message is read as a mail.
    if (data.compare(0, 5, "From ") == 0) {
      size_t n = 0;
      for (std::string_view m : history::split_mbox(data))
        read_data(m, name + " message " + std::to_string(++n));
      return;
    }
    read_data(data, name);
  }

  void read_data(std::string_view data, const std::string& name) {
    history::Unpacked u = history::unpack_report_input(data, limits_);
    for (const auto& e : u.errors) fail(name, e);
    for (const auto& doc : u.documents) {
      std::string where = doc.where.empty() ? name : name + ": " + doc.where;
      auto rep = history::parse_report_xml(doc.xml, limits_);
      if (!rep.ok()) {
        fail(where, rep.message());
        continue;
      }
      found_.push_back({where, std::move(rep.value())});
    }
  }

  void fail(const std::string& name, const std::string& why) {
    std::cerr << "postseal report read: " << name << ": " << why << "\n";
    ++failures_;
  }

  const history::ReadLimits& limits_;
  std::vector<Found> found_;
  int failures_ = 0;
};

// The PTR question for an address (RFC 1035 §3.5, RFC 3596 §2.5); "" when `ip` is not
// an address.
std::string ptr_question(const std::string& ip) {
  unsigned char a[16];
  std::string q;
  if (inet_pton(AF_INET, ip.c_str(), a) == 1) {
    for (int i = 3; i >= 0; --i) q += std::to_string(a[i]) + ".";
    return q + "in-addr.arpa";
  }
  if (inet_pton(AF_INET6, ip.c_str(), a) != 1) return "";
  static const char kHex[] = "0123456789abcdef";
  for (int i = 15; i >= 0; --i) q += {kHex[a[i] & 15], '.', kHex[a[i] >> 4], '.'};
  return q + "ip6.arpa";
}

// Reverse names of every source, one question per distinct address.
std::map<std::string, std::string> reverse_names(const std::vector<Found>& found,
                                                 dns::Resolver& resolver) {
  std::map<std::string, std::string> names;
  for (const auto& f : found)
    for (const auto& r : f.report.records) {
      if (names.count(r.source_ip)) continue;
      std::string q = ptr_question(r.source_ip);
      if (q.empty()) {
        names[r.source_ip] = "(not an address)";
        continue;
      }
      dns::Answer a = resolver.query(q, dns::Type::kPtr);
      if (a.status == dns::Status::kOk)
        names[r.source_ip] = a.records.front();
      else if (a.status == dns::Status::kTempError)
        names[r.source_ip] = "(dns error)";
      else
        names[r.source_ip] = "(none)";
    }
  return names;
}

std::string utc(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  struct tm tm;
  char buf[32];
  if (gmtime_r(&tt, &tm) == nullptr ||
      std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm) == 0)
    return std::to_string(t);
  return buf;
}

std::string dkim_text(const ReadRecord& r) {
  std::string s;
  for (const auto& d : r.dkim)
    s += (s.empty() ? "" : ",") + d.domain + (d.selector.empty() ? "" : "/" + d.selector) +
         "=" + d.result;
  return s.empty() ? "none" : s;
}

std::string spf_text(const ReadRecord& r) {
  std::string s;
  for (const auto& d : r.spf)
    s += std::string(s.empty() ? "" : ",") + (d.scope == "helo" ? "helo:" : "") + d.domain +
         "=" + d.result;
  return s.empty() ? "none" : s;
}

// A JSON string (RFC 8259 §7): quotes, backslash and control characters escaped.
std::string json(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", static_cast<unsigned>(c));
          out += b;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// `s` followed by spaces up to width `w`, and at least one.
std::string pad(std::string s, size_t w) {
  s.append(s.size() < w ? w - s.size() : 1, ' ');
  return s;
}

void print_table(const Found& f, const std::map<std::string, std::string>& names) {
  const ReadReport& rep = f.report;
  std::cout << "report " << rep.domain << " " << utc(rep.begin) << " .. " << utc(rep.end)
            << " UTC from " << (rep.org_name.empty() ? "?" : rep.org_name) << " (id "
            << rep.report_id << ", " << rep.format << ", p=" << rep.p
            << (rep.sp.empty() ? "" : " sp=" + rep.sp) << ")\n  file: " << f.source << "\n";
  uint64_t total = 0, failing = 0;
  for (const auto& r : rep.records) {
    total += r.count;
    if (history::fails_dmarc(r)) failing += r.count;
  }
  std::cout << "  messages: " << total << ", failing DMARC: " << failing << "\n";
  std::cout << "  " << pad("source", 16) << pad("reverse name", 28) << pad("count", 7)
            << pad("disposition", 12) << pad("dkim(aligned)", 14) << pad("spf(aligned)", 13)
            << pad("group", 24) << "dkim results; spf results\n";
  for (const auto& r : rep.records) {
    auto it = names.find(r.source_ip);
    std::cout << "  " << pad(r.source_ip, 16) << pad(it == names.end() ? "-" : it->second, 28)
              << pad(std::to_string(r.count), 7) << pad(r.disposition, 12)
              << pad(r.dkim_aligned, 14) << pad(r.spf_aligned, 13)
              << pad(std::string(to_string(history::classify(r))), 24) << dkim_text(r) << "; "
              << spf_text(r) << "\n";
  }
  // The sources that need something done, by what: every group but "aligned".
  for (int g = 0; g <= static_cast<int>(history::SourceGroup::kUnauthenticated); ++g) {
    auto group = static_cast<history::SourceGroup>(g);
    if (group == history::SourceGroup::kAligned) continue;
    std::string lines;
    for (const auto& r : rep.records)
      if (history::classify(r) == group) {
        auto it = names.find(r.source_ip);
        lines += "    " + r.source_ip + (it == names.end() ? "" : " " + it->second) +
                 " count=" + std::to_string(r.count) +
                 (history::fails_dmarc(r) ? " fails DMARC" : " passes DMARC") + "\n";
      }
    if (!lines.empty())
      std::cout << "  " << to_string(group) << ": " << history::advice(group) << "\n" << lines;
  }
  std::cout << "\n";
}

void print_json(const std::vector<Found>& found,
                const std::map<std::string, std::string>& names) {
  std::cout << "{\"reports\":[";
  for (size_t i = 0; i < found.size(); ++i) {
    const ReadReport& rep = found[i].report;
    std::cout << (i ? "," : "") << "{\"file\":" << json(found[i].source)
              << ",\"format\":" << json(rep.format) << ",\"domain\":" << json(rep.domain)
              << ",\"begin\":" << rep.begin << ",\"end\":" << rep.end
              << ",\"org_name\":" << json(rep.org_name)
              << ",\"report_id\":" << json(rep.report_id) << ",\"p\":" << json(rep.p)
              << ",\"sp\":" << json(rep.sp) << ",\"records\":[";
    for (size_t j = 0; j < rep.records.size(); ++j) {
      const ReadRecord& r = rep.records[j];
      auto it = names.find(r.source_ip);
      std::cout << (j ? "," : "") << "{\"source_ip\":" << json(r.source_ip)
                << ",\"reverse_name\":" << (it == names.end() ? "null" : json(it->second))
                << ",\"count\":" << r.count << ",\"disposition\":" << json(r.disposition)
                << ",\"dkim_aligned\":" << json(r.dkim_aligned)
                << ",\"spf_aligned\":" << json(r.spf_aligned)
                << ",\"header_from\":" << json(r.header_from)
                << ",\"envelope_from\":" << json(r.envelope_from) << ",\"dkim\":[";
      for (size_t k = 0; k < r.dkim.size(); ++k)
        std::cout << (k ? "," : "") << "{\"domain\":" << json(r.dkim[k].domain)
                  << ",\"selector\":" << json(r.dkim[k].selector)
                  << ",\"result\":" << json(r.dkim[k].result) << "}";
      std::cout << "],\"spf\":[";
      for (size_t k = 0; k < r.spf.size(); ++k)
        std::cout << (k ? "," : "") << "{\"domain\":" << json(r.spf[k].domain)
                  << ",\"scope\":" << json(r.spf[k].scope)
                  << ",\"result\":" << json(r.spf[k].result) << "}";
      std::cout << "],\"fails_dmarc\":" << (history::fails_dmarc(r) ? "true" : "false")
                << ",\"group\":" << json(to_string(history::classify(r))) << "}";
    }
    std::cout << "]}";
  }
  std::cout << "]}\n";
}

}  // namespace

int run_report_read(const std::vector<std::string>& args) {
  po::options_description desc("postseal report read options");
  desc.add_options()("help,h", "show this help")(
      "input", po::value<std::vector<std::string>>(),
      "report files, saved mails, Maildirs, directories, mboxes; none or -: stdin")(
      "json", "print one JSON object instead of tables")(
      "no-resolve", "do not look up the reverse names of the sources");
  config::Settings::describe(desc, config::kReportTool);
  po::variables_map vm = parse_tool_args(args, desc, "input", -1);
  if (vm.count("help")) {
    std::cout
        << "usage: postseal report read [--json] [--no-resolve] "
           "[FILE|MAILDIR|MBOX]...\n"
        << desc
        << "exit: 0 every input read; 1 some input (or part) unreadable or refused,\n"
           "the others printed; 64 usage; 74 standard output not writable; 78 configuration\n";
    return 0;
  }
  auto settings =
      config::Settings::load(vm, config::config_file_to_read(vm), config::kReportTool);
  std::vector<std::string> inputs = {"-"};
  if (vm.count("input")) inputs = vm["input"].as<std::vector<std::string>>();

  history::ReadLimits limits;
  Reader reader(limits);
  for (const auto& in : inputs) reader.read_operand(in);
  auto& found = reader.found();
  std::stable_sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return std::tie(a.report.domain, a.report.begin, a.report.org_name) <
           std::tie(b.report.domain, b.report.begin, b.report.org_name);
  });

  std::map<std::string, std::string> names;
  if (!vm.count("no-resolve") && !found.empty()) {
    auto resolver = dns::UnboundResolver::create(dns::unbound_options(settings));
    if (!resolver.ok()) throw ConfigError(resolver.message());
    names = reverse_names(found, **resolver);
  }
  if (vm.count("json"))
    print_json(found, names);
  else
    for (const auto& f : found) print_table(f, names);
  std::cout.flush();
  if (!std::cout) throw TempFailure("cannot write to standard output");
  return reader.failures() > 0 ? 1 : 0;
}

}  // namespace postseal::tools
