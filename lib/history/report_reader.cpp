/// \file
/// Reading DMARC aggregate reports (see report_reader.h): the containers, then the XML.
#include "history/report_reader.h"

#include <algorithm>
#include <initializer_list>
#include <memory>

#include <expat.h>
#include <zlib.h>

#include "mail/header.h"
#include "mail/message_parser.h"
#include "util/ascii.h"
#include "util/base64.h"

namespace postseal::history {

namespace {

std::string mib(size_t n) { return std::to_string(n >> 20) + " MiB"; }

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && mail::iequals(s.substr(s.size() - suffix.size()), suffix);
}

// ---- gzip and raw deflate (zlib) ----

// Inflates `in` with zlib's `window_bits` (15 + 16: gzip, RFC 1952; -15: raw deflate, a
// zip entry) into at most `budget` bytes, which it lowers by what it made. The budget is
// what stops a bomb: a few kilobytes that inflate to gigabytes fail here, having held
// no more than the budget. `multi` accepts gzip members one after another (RFC 1952
// §2.2). Returns the output, or an Error saying what was wrong.
Result<std::string> inflate_bytes(std::string_view in, int window_bits, size_t& budget,
                                  bool multi) {
  z_stream z{};
  if (inflateInit2(&z, window_bits) != Z_OK) return Error{"zlib cannot start"};
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&z, inflateEnd);
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  char buf[64 * 1024];
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    int rc = inflate(&z, Z_NO_FLUSH);
    size_t made = sizeof buf - z.avail_out;
    if (made > budget - out.size())
      return Error{"inflates past the cap of " + mib(budget) + " (a compression bomb?)"};
    out.append(buf, made);
    if (rc == Z_STREAM_END) {
      if (multi && z.avail_in >= 2 && z.next_in[0] == 0x1f && z.next_in[1] == 0x8b) {
        inflateReset(&z);
        continue;
      }
      if (z.avail_in != 0 && !multi) return Error{"data after the end of the deflate stream"};
      break;
    }
    if (rc == Z_DATA_ERROR) return Error{std::string("corrupt data: ") + (z.msg ? z.msg : "?")};
    if (rc == Z_MEM_ERROR) return Error{"zlib is out of memory"};
    if (rc == Z_BUF_ERROR && z.avail_in == 0 && made == 0)
      return Error{"truncated: the compressed data ends early"};
    if (rc != Z_OK && rc != Z_BUF_ERROR) return Error{"zlib error " + std::to_string(rc)};
  }
  budget -= out.size();
  return out;
}

// ---- zip (PKWARE APPNOTE.TXT §4.3) ----

uint32_t le(std::string_view d, size_t at, int n) {
  uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(d[at + i]);
  return v;
}

// The entries of a zip archive, read from its central directory (the local headers are
// only used to find where each entry's data starts). Zip64, encryption and methods
// other than stored (0) and deflate (8) are refused: no report needs them.
void unzip(std::string_view d, const std::string& where, size_t& budget,
           const ReadLimits& limits, Unpacked& out) {
  auto fail = [&](const std::string& why) { out.errors.push_back(where + why); };
  // End of central directory: 22 bytes plus a comment of at most 65535.
  size_t eocd = std::string_view::npos;
  for (size_t i = d.size() >= 22 ? d.size() - 22 : std::string_view::npos;
       i != std::string_view::npos && d.size() - i <= 22 + 65535; --i) {
    if (d.compare(i, 4, "PK\x05\x06") == 0) {
      eocd = i;
      break;
    }
    if (i == 0) break;
  }
  if (eocd == std::string_view::npos)
    return fail("zip: no end of central directory (truncated?)");
  size_t entries = le(d, eocd + 10, 2);
  size_t cd_size = le(d, eocd + 12, 4), cd_at = le(d, eocd + 16, 4);
  if (entries > limits.max_zip_entries)
    return fail("zip: " + std::to_string(entries) + " entries, more than the " +
                std::to_string(limits.max_zip_entries) + " a report archive may have");
  if (cd_at > eocd || cd_size > eocd - cd_at)
    return fail("zip: central directory out of bounds");
  size_t at = cd_at;
  for (size_t n = 0; n < entries; ++n) {
    if (at + 46 > eocd || d.compare(at, 4, "PK\x01\x02") != 0)
      return fail("zip: bad central directory entry " + std::to_string(n + 1));
    uint32_t flags = le(d, at + 8, 2), method = le(d, at + 10, 2), crc = le(d, at + 16, 4);
    uint32_t csize = le(d, at + 20, 4), usize = le(d, at + 24, 4);
    size_t name_len = le(d, at + 28, 2), extra = le(d, at + 30, 2), comment = le(d, at + 32, 2);
    size_t local = le(d, at + 42, 4);
    if (at + 46 + name_len > eocd) return fail("zip: entry name out of bounds");
    std::string name(d.substr(at + 46, name_len));
    at += 46 + name_len + extra + comment;
    std::string ew = where + "zip entry " + name + ": ";
    if (!name.empty() && name.back() == '/') continue;  // a directory
    if (flags & 1) {
      out.errors.push_back(ew + "encrypted");
      continue;
    }
    if (csize == 0xffffffff || usize == 0xffffffff || local == 0xffffffff) {
      out.errors.push_back(ew + "zip64 entry (larger than 4 GiB): refused");
      continue;
    }
    if (usize > budget) {
      out.errors.push_back(ew + "says it holds " + mib(usize) + ", more than the cap of " +
                           mib(budget));
      continue;
    }
    if (local + 30 > d.size() || d.compare(local, 4, "PK\x03\x04") != 0) {
      out.errors.push_back(ew + "bad local header");
      continue;
    }
    size_t data_at = local + 30 + le(d, local + 26, 2) + le(d, local + 28, 2);
    if (data_at > d.size() || csize > d.size() - data_at) {
      out.errors.push_back(ew + "truncated: the data runs past the end of the archive");
      continue;
    }
    std::string_view raw = d.substr(data_at, csize);
    Result<std::string> data = Error{""};
    if (method == 0) {
      if (raw.size() > budget) {
        out.errors.push_back(ew + "larger than the cap of " + mib(budget));
        continue;
      }
      budget -= raw.size();
      data = std::string(raw);
    } else if (method == 8) {
      data = inflate_bytes(raw, -15, budget, false);
    } else {
      out.errors.push_back(ew + "compression method " + std::to_string(method) +
                           " (only stored and deflate are read)");
      continue;
    }
    if (!data.ok()) {
      out.errors.push_back(ew + data.message());
      continue;
    }
    uLong sum = crc32(0L, reinterpret_cast<const Bytef*>(data->data()),
                      static_cast<uInt>(data->size()));
    if (sum != crc) {
      out.errors.push_back(ew + "CRC mismatch: the archive is corrupt");
      continue;
    }
    out.documents.push_back({where + name, std::move(data.value())});
  }
}

// ---- content sniffing ----

enum class Kind { kGzip, kZip, kXml, kMail, kUnknown };

Kind sniff(std::string_view d) {
  if (d.size() >= 2 && d[0] == '\x1f' && d[1] == '\x8b') return Kind::kGzip;
  if (d.substr(0, 4) == "PK\x03\x04" || d.substr(0, 4) == "PK\x05\x06") return Kind::kZip;
  std::string_view t = d;
  if (t.substr(0, 3) == "\xef\xbb\xbf") t.remove_prefix(3);
  size_t i = t.find_first_not_of(" \t\r\n");
  if (i != std::string_view::npos && t[i] == '<') return Kind::kXml;
  // A mail starts with a header field: a name of printable characters, then a colon.
  size_t colon = d.find(':');
  if (colon != std::string_view::npos && colon > 0 && colon < 80 &&
      std::all_of(d.begin(), d.begin() + static_cast<long>(colon),
                  [](char c) { return c > ' ' && c < 127; }))
    return Kind::kMail;
  return Kind::kUnknown;
}

// ---- MIME (RFC 2045, RFC 2046) ----

// The value of parameter `name` in a Content-Type or Content-Disposition value, quoted
// or not (RFC 2045 §5.1); "" when absent. RFC 2231 continuations are not joined.
std::string mime_param(std::string_view value, std::string_view name) {
  size_t i = 0;
  while ((i = value.find(';', i)) != std::string_view::npos) {
    ++i;
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
    size_t eq = value.find('=', i);
    if (eq == std::string_view::npos) return "";
    std::string_view key = value.substr(i, eq - i);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
    if (key.size() && key.back() == '*') key.remove_suffix(1);  // RFC 2231 name*=
    size_t v = eq + 1;
    std::string out;
    if (v < value.size() && value[v] == '"') {
      for (++v; v < value.size() && value[v] != '"'; ++v) {
        if (value[v] == '\\' && v + 1 < value.size()) ++v;
        out += value[v];
      }
    } else {
      size_t end = value.find(';', v);
      out = std::string(value.substr(v, end == std::string_view::npos ? end : end - v));
      while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
      if (size_t q = out.find("''"); q != std::string::npos) out.erase(0, q + 2);  // utf-8''
    }
    if (mail::iequals(key, name)) return out;
    i = v;
  }
  return "";
}

// The media type of a Content-Type value, lower case ("text/plain" when absent, RFC
// 2045 §5.2).
std::string media_type(std::string_view value) {
  std::string t = ascii_lower(mail::unfold(value.substr(0, value.find(';'))));
  return t.empty() ? "text/plain" : t;
}

struct MimeWalk {
  const ReadLimits& limits;
  size_t& budget;
  Unpacked& out;
  size_t parts = 0;
  std::vector<std::string> seen;  // the media types of parts that were not reports

  // Whether a leaf part is a report, by its label (its content decides how to read it).
  static bool is_report_part(const std::string& type, const std::string& file) {
    static const char* const kTypes[] = {
        "application/gzip",  "application/x-gzip",           "application/zip",
        "application/x-zip", "application/x-zip-compressed", "text/xml",
        "application/xml",   "application/tlsrpt+gzip"};
    for (const char* t : kTypes)
      if (type == t) return type != "application/tlsrpt+gzip";
    return type == "application/octet-stream" &&
           (ends_with_ci(file, ".xml") || ends_with_ci(file, ".gz") ||
            ends_with_ci(file, ".zip"));
  }

  void walk(std::string_view entity, size_t depth);
  void leaf(std::string_view body, const std::string& type, const std::string& file,
            const std::string& encoding);
};

void unpack_into(std::string_view data, const std::string& where, const ReadLimits& limits,
                 size_t& budget, size_t depth, Unpacked& out);

void MimeWalk::walk(std::string_view entity, size_t depth) {
  if (++parts > limits.max_mime_parts) {
    if (parts == limits.max_mime_parts + 1)
      out.errors.push_back("more than " + std::to_string(limits.max_mime_parts) +
                           " MIME parts: the rest are not read");
    return;
  }
  mail::MessageParser parser;
  auto body = parser.feed(entity);
  if (!body.ok()) {
    out.errors.push_back("bad MIME header: " + body.message());
    return;
  }
  if (!parser.finish().ok() && !parser.headers_done()) {
    out.errors.push_back("bad MIME header");
    return;
  }
  const auto& h = parser.headers();
  const mail::HeaderField* ct = mail::find_field(h, "Content-Type");
  const mail::HeaderField* cd = mail::find_field(h, "Content-Disposition");
  const mail::HeaderField* cte = mail::find_field(h, "Content-Transfer-Encoding");
  std::string ct_value = ct ? mail::unfold(ct->value()) : "";
  std::string type = media_type(ct_value);
  if (type.rfind("multipart/", 0) == 0) {
    std::string boundary = mime_param(ct_value, "boundary");
    if (boundary.empty()) {
      out.errors.push_back(type + " without a boundary");
      return;
    }
    if (depth >= limits.max_mime_depth) {
      out.errors.push_back("multiparts nested deeper than " +
                           std::to_string(limits.max_mime_depth));
      return;
    }
    // RFC 2046 §5.1.1: a delimiter is CRLF "--" boundary at the start of a line; the
    // part between two delimiters is one body part.
    std::string_view b = body.value();
    std::string delim = "--" + boundary;
    size_t at = b.rfind(delim, 0) == 0 ? 0 : b.find("\n" + delim);
    while (at != std::string_view::npos) {
      size_t start = b.find('\n', at + 1);
      if (start == std::string_view::npos) break;
      if (b.compare(at + (b[at] == '\n'), delim.size() + 2, delim + "--") == 0) break;
      size_t next = b.find("\n" + delim, start);
      std::string_view part =
          b.substr(start + 1,
                   next == std::string_view::npos ? std::string_view::npos : next - start - 1);
      if (!part.empty() && part.back() == '\r') part.remove_suffix(1);
      walk(part, depth + 1);
      at = next;
    }
    return;
  }
  std::string file = mime_param(cd ? mail::unfold(cd->value()) : "", "filename");
  if (file.empty()) file = mime_param(ct_value, "name");
  leaf(body.value(), type, file, cte ? ascii_lower(mail::unfold(cte->value())) : "7bit");
}

void MimeWalk::leaf(std::string_view body, const std::string& type, const std::string& file,
                    const std::string& encoding) {
  if (!is_report_part(type, file)) {
    seen.push_back(type + (file.empty() ? "" : " (" + file + ")"));
    return;
  }
  std::string where = "attachment " + (file.empty() ? type : file) + ": ";
  std::string decoded;
  if (encoding == "base64") {
    auto d = base64_decode(body);
    if (!d.ok()) {
      out.errors.push_back(where + "bad base64: " + d.message());
      return;
    }
    decoded = std::move(d.value());
  } else if (encoding == "7bit" || encoding == "8bit" || encoding == "binary") {
    decoded = std::string(body);
  } else {
    out.errors.push_back(where + "Content-Transfer-Encoding " + encoding + " is not read");
    return;
  }
  Unpacked inner;
  unpack_into(decoded, where, limits, budget, 1, inner);
  for (auto& doc : inner.documents) out.documents.push_back(std::move(doc));
  for (auto& e : inner.errors) out.errors.push_back(std::move(e));
}

// `depth` counts containers: a mail holds a zip holds XML, never more.
void unpack_into(std::string_view data, const std::string& where, const ReadLimits& limits,
                 size_t& budget, size_t depth, Unpacked& out) {
  switch (sniff(data)) {
    case Kind::kGzip: {
      auto xml = inflate_bytes(data, 15 + 16, budget, true);
      if (!xml.ok()) {
        out.errors.push_back(where + "gzip: " + xml.message());
        return;
      }
      out.documents.push_back(
          {where.empty() ? "" : where.substr(0, where.size() - 2), std::move(xml.value())});
      return;
    }
    case Kind::kZip:
      unzip(data, where, budget, limits, out);
      return;
    case Kind::kXml:
      out.documents.push_back(
          {where.empty() ? "" : where.substr(0, where.size() - 2), std::string(data)});
      return;
    case Kind::kMail:
      if (depth == 0) {
        MimeWalk walk{limits, budget, out, 0, {}};
        walk.walk(data, 0);
        if (walk.seen.size() > 0 && out.documents.empty() && out.errors.empty()) {
          std::string list;
          for (const auto& s : walk.seen) list += (list.empty() ? "" : ", ") + s;
          out.errors.push_back("no DMARC report attachment in this mail (it has: " + list +
                               ")");
        }
        return;
      }
      [[fallthrough]];
    case Kind::kUnknown:
      out.errors.push_back(where + "not a DMARC report: neither XML, gzip, zip nor a mail");
      return;
  }
}

// ---- XML (expat) ----

constexpr char kNs2[] = "urn:ietf:params:xml:ns:dmarc-2.0";
constexpr char kNsOld[] = "http://dmarc.org/dmarc-xml/0.1";
constexpr char kSep = '\x01';

struct XmlState {
  XML_Parser parser;
  const ReadLimits& limits;
  ReadReport report;
  std::vector<std::string> path;  // local names from the root
  std::string text;
  std::string error;
  bool has_range = false;

  void stop(std::string why) {
    if (error.empty()) error = std::move(why);
    XML_StopParser(parser, XML_FALSE);
  }
  bool at(std::initializer_list<const char*> tail) const {
    if (path.size() != tail.size()) return false;
    size_t i = 0;
    for (const char* t : tail)
      if (path[i++] != t) return false;
    return true;
  }
  // After stop(), expat may still deliver the events of the current token (the end of
  // an empty element): they are ignored.
  void start(const char* name) {
    if (!error.empty()) return;
    std::string_view n(name);
    size_t sep = n.find(kSep);
    std::string_view ns = sep == std::string_view::npos ? "" : n.substr(0, sep);
    std::string local(sep == std::string_view::npos ? n : n.substr(sep + 1));
    if (path.empty()) {
      if (local != "feedback")
        return stop("the root element is <" + local + ">, not <feedback>");
      if (ns == kNs2)
        report.format = "dmarc-2.0";
      else if (ns.empty() || ns == kNsOld)
        report.format = "rfc7489";
      else
        return stop("the root element is in namespace " + std::string(ns) +
                    ", neither RFC 7489's nor RFC 9990's");
    }
    if (path.size() >= limits.max_xml_depth)
      return stop("elements nested deeper than " + std::to_string(limits.max_xml_depth));
    path.push_back(std::move(local));
    text.clear();
    if (at({"feedback", "record"})) report.records.emplace_back();
    if (!report.records.empty()) {
      ReadRecord& r = report.records.back();
      if (at({"feedback", "record", "auth_results", "dkim"})) r.dkim.emplace_back();
      if (at({"feedback", "record", "auth_results", "spf"})) r.spf.emplace_back();
    }
  }
  void end() {
    if (!error.empty() || path.empty()) return;
    std::string v = mail::unfold(text);
    text.clear();
    set(v);
    path.pop_back();
  }
  void set(const std::string& v) {
    auto& rp = report;
    if (at({"feedback", "report_metadata", "org_name"})) rp.org_name = v;
    if (at({"feedback", "report_metadata", "email"})) rp.email = v;
    if (at({"feedback", "report_metadata", "report_id"})) rp.report_id = v;
    if (at({"feedback", "report_metadata", "date_range", "begin"})) number(v, rp.begin);
    if (at({"feedback", "report_metadata", "date_range", "end"})) {
      number(v, rp.end);
      has_range = true;
    }
    if (path.size() == 3 && path[1] == "policy_published") {
      const std::string& k = path[2];
      if (k == "domain") rp.domain = ascii_lower(v);
      if (k == "p") rp.p = v;
      if (k == "sp") rp.sp = v;
      if (k == "adkim") rp.adkim = v;
      if (k == "aspf") rp.aspf = v;
      if (k == "pct") rp.pct = v;
      if (k == "testing") rp.testing = v;
    }
    if (rp.records.empty() || path.size() < 4 || path[1] != "record") return;
    ReadRecord& r = rp.records.back();
    if (at({"feedback", "record", "row", "source_ip"})) r.source_ip = v;
    if (at({"feedback", "record", "row", "count"})) {
      int64_t n = 0;
      number(v, n);
      r.count = static_cast<uint64_t>(n);
    }
    if (at({"feedback", "record", "row", "policy_evaluated", "disposition"})) r.disposition = v;
    if (at({"feedback", "record", "row", "policy_evaluated", "dkim"})) r.dkim_aligned = v;
    if (at({"feedback", "record", "row", "policy_evaluated", "spf"})) r.spf_aligned = v;
    if (at({"feedback", "record", "row", "policy_evaluated", "reason", "type"}))
      r.reasons.push_back(v);
    if (at({"feedback", "record", "identifiers", "header_from"}))
      r.header_from = ascii_lower(v);
    if (at({"feedback", "record", "identifiers", "envelope_from"}))
      r.envelope_from = ascii_lower(v);
    if (path.size() == 5 && path[2] == "auth_results") {
      const std::string& k = path[4];
      if (path[3] == "dkim" && !r.dkim.empty()) {
        if (k == "domain") r.dkim.back().domain = ascii_lower(v);
        if (k == "selector") r.dkim.back().selector = v;
        if (k == "result") r.dkim.back().result = ascii_lower(v);
      }
      if (path[3] == "spf" && !r.spf.empty()) {
        if (k == "domain") r.spf.back().domain = ascii_lower(v);
        if (k == "scope") r.spf.back().scope = ascii_lower(v);
        if (k == "result") r.spf.back().result = ascii_lower(v);
      }
    }
  }
  void number(const std::string& v, int64_t& to) {
    if (v.empty() || v.size() > 18 ||
        !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return stop("<" + path.back() + "> is not a number: \"" + v.substr(0, 40) + "\"");
    to = std::stoll(v);
  }
};

}  // namespace

Result<ReadReport> parse_report_xml(std::string_view xml, const ReadLimits& limits) {
  if (xml.size() > limits.max_inflated_bytes)
    return Error{"the XML is larger than the cap of " + mib(limits.max_inflated_bytes)};
  XML_Parser p = XML_ParserCreateNS(nullptr, kSep);
  if (p == nullptr) return Error{"expat cannot start"};
  std::unique_ptr<XML_ParserStruct, void (*)(XML_Parser)> guard(p, XML_ParserFree);
  XmlState st{p, limits, {}, {}, {}, {}};
  XML_SetUserData(p, &st);
  // A report has no use for a DTD; refusing the DOCTYPE refuses every entity declaration
  // with it, so "billion laughs" and external entities never get a chance (expat 2.5
  // would also stop the former, but nothing here needs either).
  XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
  XML_SetStartDoctypeDeclHandler(
      p, [](void* u, const XML_Char*, const XML_Char*, const XML_Char*, int) {
        static_cast<XmlState*>(u)->stop("a DOCTYPE (DTD) is refused in a report");
      });
  XML_SetEntityDeclHandler(
      p, [](void* u, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
            const XML_Char*, const XML_Char*, const XML_Char*) {
        static_cast<XmlState*>(u)->stop("an entity declaration is refused in a report");
      });
  XML_SetElementHandler(
      p,
      [](void* u, const XML_Char* name, const XML_Char**) {
        static_cast<XmlState*>(u)->start(name);
      },
      [](void* u, const XML_Char*) { static_cast<XmlState*>(u)->end(); });
  XML_SetCharacterDataHandler(p, [](void* u, const XML_Char* s, int len) {
    auto* st = static_cast<XmlState*>(u);
    if (st->text.size() < 4096) st->text.append(s, static_cast<size_t>(len));
  });
  // Fed in pieces below INT_MAX, which is what XML_Parse takes.
  constexpr size_t kChunk = 1 << 20;
  for (size_t at = 0;; at += kChunk) {
    std::string_view piece = xml.substr(std::min(at, xml.size()), kChunk);
    bool last = at + kChunk >= xml.size();
    if (XML_Parse(p, piece.data(), static_cast<int>(piece.size()), last) != XML_STATUS_OK) {
      std::string why = st.error.empty() ? XML_ErrorString(XML_GetErrorCode(p)) : st.error;
      return Error{"XML line " + std::to_string(XML_GetCurrentLineNumber(p)) + ": " + why};
    }
    if (last) break;
  }
  if (st.report.domain.empty()) return Error{"no policy_published/domain: not a DMARC report"};
  if (!st.has_range) return Error{"no report_metadata/date_range: not a DMARC report"};
  return std::move(st.report);
}

Unpacked unpack_report_input(std::string_view data, const ReadLimits& limits) {
  Unpacked out;
  if (data.size() > limits.max_input_bytes) {
    out.errors.push_back("larger than the cap of " + mib(limits.max_input_bytes) +
                         " (a report mail is far smaller)");
    return out;
  }
  size_t budget = limits.max_inflated_bytes;
  unpack_into(data, "", limits, budget, 0, out);
  if (out.documents.empty() && out.errors.empty())
    out.errors.push_back("no DMARC report found in it");
  return out;
}

std::vector<std::string_view> split_mbox(std::string_view data) {
  std::vector<std::string_view> out;
  size_t start = std::string_view::npos;
  size_t at = 0;
  while (at < data.size()) {
    size_t eol = data.find('\n', at);
    size_t next = eol == std::string_view::npos ? data.size() : eol + 1;
    if (data.compare(at, 5, "From ") == 0 && (at == 0 || data[at - 1] == '\n')) {
      if (start != std::string_view::npos) out.push_back(data.substr(start, at - start));
      start = next;
    }
    at = next;
  }
  if (start != std::string_view::npos && start < data.size()) out.push_back(data.substr(start));
  return out;
}

}  // namespace postseal::history
