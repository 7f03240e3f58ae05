/// \file
/// RFC 9990 aggregate report XML, file names and gzip (see aggregate.h).
#include "history/aggregate.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <tuple>

#include <zlib.h>

#include "util/errors.h"

namespace postseal::history {

namespace {

constexpr char kNamespace[] = "urn:ietf:params:xml:ns:dmarc-2.0";
// §3.1.3: "no more than 100 signatures for a given row".
constexpr size_t kMaxSignatures = 100;

// What makes two messages one record (§3.1.1.7: "One record per (IP, result,
// authentication identifiers) tuples"), in the order the XML shows it.
struct Group {
  std::string source_ip;
  std::string disposition;
  bool dkim_aligned, spf_aligned;
  std::string override_reason, override_comment;
  std::string header_from, envelope_from, envelope_to;
  std::vector<DkimResult> dkim;
  std::string spf_domain, spf_scope, spf_result;

  auto operator<=>(const Group&) const = default;
};

// §3.1.1.9 and Appendix A's ActionDispositionType: "pass" is a message that passed
// under an enforcing policy; otherwise what was applied.
std::string reported_disposition(const Row& r) {
  if (r.dmarc_result == "pass") {
    const std::string& tag = r.header_from == r.policy_domain || r.sp.empty() ? r.p : r.sp;
    return tag == "none" || tag.empty() ? "none" : "pass";
  }
  return r.disposition_applied.empty() ? "none" : r.disposition_applied;
}

Group group_of(const Row& r) {
  // §3.1.3: passing signatures first, then the rest, at most 100.
  std::vector<DkimResult> dkim = r.dkim;
  std::stable_partition(dkim.begin(), dkim.end(),
                        [](const DkimResult& d) { return d.result == "pass"; });
  if (dkim.size() > kMaxSignatures) dkim.resize(kMaxSignatures);
  return {r.source_ip,       reported_disposition(r), r.dkim_aligned, r.spf_aligned,
          r.override_reason, r.override_comment,      r.header_from,  r.envelope_from,
          r.envelope_to,     std::move(dkim),         r.spf_domain,   r.spf_scope,
          r.spf_result};
}

class Xml {
 public:
  explicit Xml(std::string prolog) : out_(std::move(prolog)) {}
  void open(std::string_view tag, std::string_view attributes = "") {
    indent();
    out_ += "<" + std::string(tag) + (attributes.empty() ? "" : " ") + std::string(attributes) +
            ">\n";
    ++depth_;
  }
  void close(std::string_view tag) {
    --depth_;
    indent();
    out_ += "</" + std::string(tag) + ">\n";
  }
  void leaf(std::string_view tag, std::string_view text) {
    indent();
    out_ += "<" + std::string(tag) + ">" + xml_escape(text) + "</" + std::string(tag) + ">\n";
  }
  std::string& text() { return out_; }

 private:
  void indent() { out_.append(2 * depth_, ' '); }
  std::string out_;
  int depth_ = 0;
};

void policy_published(Xml& x, const Row& r) {
  // §3.1.1.5: "Unspecified tags have their default values": sp defaults to p, np to
  // sp (RFC 9989 §4.7). No pct: it is gone from DMARC and from the schema.
  std::string sp = r.sp.empty() ? r.p : r.sp;
  std::string np = r.np.empty() ? sp : r.np;
  x.open("policy_published");
  x.leaf("domain", r.policy_domain);
  x.leaf("discovery_method", r.discovery_method.empty() ? "treewalk" : r.discovery_method);
  x.leaf("p", r.p.empty() ? "none" : r.p);
  x.leaf("sp", sp.empty() ? "none" : sp);
  x.leaf("np", np.empty() ? "none" : np);
  x.leaf("adkim", r.adkim.empty() ? "r" : r.adkim);
  x.leaf("aspf", r.aspf.empty() ? "r" : r.aspf);
  x.leaf("testing", r.testing.empty() ? "n" : r.testing);
  x.close("policy_published");
}

void record(Xml& x, const Group& g, uint64_t count) {
  x.open("record");
  x.open("row");  // §3.1.1.8
  x.leaf("source_ip", g.source_ip);
  x.leaf("count", std::to_string(count));
  x.open("policy_evaluated");  // §3.1.1.9, in the order listed
  x.leaf("disposition", g.disposition);
  x.leaf("dkim", g.dkim_aligned ? "pass" : "fail");
  x.leaf("spf", g.spf_aligned ? "pass" : "fail");
  if (!g.override_reason.empty()) {
    x.open("reason");  // §3.1.1.14, §3.1.6
    x.leaf("type", g.override_reason);
    if (!g.override_comment.empty()) x.leaf("comment", g.override_comment);
    x.close("reason");
  }
  x.close("policy_evaluated");
  x.close("row");
  x.open("identifiers");  // §3.1.1.10
  x.leaf("header_from", g.header_from);
  // "MAY be existing but empty if the message had a null reverse-path".
  x.leaf("envelope_from", g.envelope_from);
  if (!g.envelope_to.empty()) x.leaf("envelope_to", g.envelope_to);
  x.close("identifiers");
  x.open("auth_results");  // §3.1.1.11: dkim elements, then spf
  for (const auto& d : g.dkim) {
    x.open("dkim");  // §3.1.1.12: domain, selector and result are required
    x.leaf("domain", d.domain);
    x.leaf("selector", d.selector);
    x.leaf("result", d.result);
    x.close("dkim");
  }
  if (!g.spf_result.empty()) {
    x.open("spf");  // §3.1.1.13
    x.leaf("domain", g.spf_domain);
    // The only scope the schema allows is "mfrom"; a HELO result (null sender) is
    // reported without one, scope being optional.
    if (g.spf_scope == "mfrom") x.leaf("scope", "mfrom");
    x.leaf("result", g.spf_result);
    x.close("spf");
  }
  x.close("auth_results");
  x.close("record");
}

Report one_report(const std::string& domain, const std::vector<const Row*>& rows,
                  const ReportInfo& info) {
  Report rep;
  rep.policy_domain = domain;
  int64_t last = info.end > info.begin ? info.end - 1 : info.begin;
  rep.report_id = report_id(info.receiver, domain, info.begin, last);
  rep.file_name = report_file_name(info.receiver, domain, info.begin, last, rep.report_id);

  std::map<Group, uint64_t> counts;
  for (const Row* r : rows) ++counts[group_of(*r)];

  Xml x("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  // §3.1.1.1: the root element "feedback" in the DMARC namespace; §3.1.1.2: the first
  // level elements in the order listed.
  x.open("feedback", "xmlns=\"" + std::string(kNamespace) + "\"");
  x.leaf("version", "1.0");
  x.open("report_metadata");  // §3.1.1.3
  x.leaf("org_name", info.org_name);
  x.leaf("email", info.email);
  x.leaf("report_id", rep.report_id);
  x.open("date_range");  // §3.1.1.4: seconds since the epoch, UTC
  x.leaf("begin", std::to_string(info.begin));
  x.leaf("end", std::to_string(last));
  x.close("date_range");
  if (!info.generator.empty()) x.leaf("generator", info.generator);
  x.close("report_metadata");
  policy_published(x, *rows.back());
  for (const auto& [g, n] : counts) record(x, g, n);
  x.close("feedback");
  rep.xml = std::move(x.text());
  return rep;
}

constexpr int64_t kDay = 86400;

// "YYYY-MM-DD" as seconds since the epoch at 00:00 UTC, or digits as seconds.
std::optional<int64_t> parse_instant(std::string_view t) {
  if (t.empty() || t.size() > 19) return std::nullopt;
  if (std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::stoll(std::string(t));
  int y = 0;
  unsigned m = 0, d = 0;
  char extra = 0;
  if (t.size() != 10 ||
      std::sscanf(std::string(t).c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &extra) != 3)
    return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                  std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd).time_since_epoch().count() * kDay;
}

}  // namespace

Result<std::pair<int64_t, int64_t>> parse_period(std::string_view text, int64_t now) {
  if (text.empty()) {
    int64_t today = now - now % kDay;
    return std::pair<int64_t, int64_t>{today - kDay, today};
  }
  auto dots = text.find("..");
  if (dots == std::string_view::npos) {
    auto day = parse_instant(text);
    if (!day || text.size() != 10) return Error{"--period: want YYYY-MM-DD or BEGIN..END"};
    return std::pair<int64_t, int64_t>{*day, *day + kDay};
  }
  auto begin = parse_instant(text.substr(0, dots));
  auto end = parse_instant(text.substr(dots + 2));
  if (!begin || !end)
    return Error{"--period: BEGIN and END are YYYY-MM-DD or seconds since the epoch"};
  if (*end <= *begin) return Error{"--period: END must come after BEGIN"};
  return std::pair<int64_t, int64_t>{*begin, *end};
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

std::string report_id(const std::string& receiver, const std::string& policy_domain,
                      int64_t begin, int64_t end) {
  // FNV-1a over the fields: stable across runs and hosts, so the same report gets
  // the same name; the period start in front keeps the ids of a domain apart.
  std::string key =
      receiver + "!" + policy_domain + "!" + std::to_string(begin) + "!" + std::to_string(end);
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return std::to_string(begin) + hex;
}

std::string report_file_name(const std::string& receiver, const std::string& policy_domain,
                             int64_t begin, int64_t end, const std::string& unique_id) {
  return receiver + "!" + policy_domain + "!" + std::to_string(begin) + "!" +
         std::to_string(end) + "!" + unique_id + ".xml.gz";
}

std::vector<Report> build_reports(const std::vector<Row>& rows, const ReportInfo& info) {
  // §3.1: "A separate report MUST be generated for each DMARC Policy Domain".
  std::map<std::string, std::vector<const Row*>> by_domain;
  for (const auto& r : rows)
    if (!r.policy_domain.empty()) by_domain[r.policy_domain].push_back(&r);
  std::vector<Report> out;
  for (auto& [domain, list] : by_domain) {
    std::stable_sort(list.begin(), list.end(),
                     [](const Row* a, const Row* b) { return a->time < b->time; });
    out.push_back(one_report(domain, list, info));
  }
  return out;
}

std::string gzip(std::string_view data) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip header and trailer around the deflate stream.
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw TempFailure("gzip: deflateInit2 failed");
  struct End {
    z_stream* z;
    ~End() { deflateEnd(z); }
  } end{&zs};
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) throw TempFailure("gzip: deflate failed");
  out.resize(zs.total_out);
  return out;
}

}  // namespace postseal::history
