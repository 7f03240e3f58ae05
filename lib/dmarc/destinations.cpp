/// \file
/// Aggregate report destinations and their external authorization (RFC 9990 §4).
#include "dmarc/destinations.h"

#include <algorithm>

#include "dmarc/record.h"
#include "util/ascii.h"

namespace postseal::dmarc {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The domain of an address, as mailto_addresses() normalized it.
std::string host_of(const std::string& address) {
  return address.substr(address.rfind('@') + 1);
}

// RFC 1035 §2.3.4: 255 octets on the wire, so 253 characters without the final dot;
// 63 per label.
bool fits_dns(const std::string& name) {
  if (name.size() > 253) return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    size_t len = (dot == std::string::npos ? name.size() : dot) - start;
    if (len == 0 || len > 63) return false;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return true;
}

}  // namespace

std::vector<std::string> mailto_addresses(std::string_view uri) {
  constexpr std::string_view kScheme = "mailto:";
  if (uri.size() <= kScheme.size() || ascii_lower(uri.substr(0, kScheme.size())) != kScheme)
    return {};
  std::string_view rest = uri.substr(kScheme.size());
  rest = rest.substr(0, rest.find('?'));
  std::string decoded;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%') {
      // RFC 3986 §2.1: "%" HEXDIG HEXDIG (a comma between addresses comes as %2C).
      int hi = i + 1 < rest.size() ? hex_value(rest[i + 1]) : -1;
      int lo = i + 2 < rest.size() ? hex_value(rest[i + 2]) : -1;
      if (hi < 0 || lo < 0) return {};
      decoded += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      decoded += rest[i];
    }
  }
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= decoded.size()) {
    size_t comma = decoded.find(',', start);
    std::string a = decoded.substr(start, comma == std::string::npos ? comma : comma - start);
    start = comma == std::string::npos ? decoded.size() + 1 : comma + 1;
    size_t at = a.rfind('@');
    if (at == std::string::npos || at == 0 || a.front() == '-') return {};
    for (unsigned char c : a)
      if (c <= ' ' || c == 0x7f || c == '<' || c == '>') return {};
    auto domain = author_domain(a);  // lower case, A-labels, a valid name
    if (!domain) return {};
    std::string address = a.substr(0, at) + "@" + *domain;
    if (std::find(out.begin(), out.end(), address) == out.end()) out.push_back(address);
  }
  return out;
}

Destinations report_destinations(Evaluator& evaluator, dns::Resolver& resolver,
                                 const std::string& policy_domain,
                                 const std::vector<std::string>& rua) {
  Destinations d;
  auto temperror = [&](std::string why) {
    d.addresses.clear();
    d.temperror = true;
    d.error = std::move(why);
    return d;
  };
  auto policy_org = evaluator.org_domain(policy_domain);
  if (!policy_org)
    return temperror("the Organizational Domain of " + policy_domain + " could not be found");
  auto add = [&](const std::string& a) {
    if (std::find(d.addresses.begin(), d.addresses.end(), a) == d.addresses.end())
      d.addresses.push_back(a);
  };
  for (const auto& uri : rua) {
    auto addresses = mailto_addresses(uri);
    if (addresses.empty()) {
      d.refused.push_back(uri + ": not a mailto: URI with a valid address (only mail is sent)");
      continue;
    }
    for (const auto& address : addresses) {
      const std::string host = host_of(address);
      auto org = evaluator.org_domain(host);
      if (!org)
        return temperror("the Organizational Domain of " + host + " could not be found");
      if (*org == *policy_org) {
        add(address);
        continue;
      }
      // §4 steps 1-3: <policy domain>._report._dmarc.<destination host>.
      const std::string name = policy_domain + "._report._dmarc." + host;
      if (!fits_dns(name)) {  // step 4
        d.refused.push_back(uri + ": " + name +
                            " is too long to authorize an external destination");
        continue;
      }
      dns::Answer a = resolver.query(name, dns::Type::kTxt);
      if (a.status == dns::Status::kTempError)  // step 5
        return temperror(name + ": " + (a.reason.empty() ? "DNS error" : a.reason));
      // Steps 6-8: at least one record that starts with v=DMARC1 authorizes.
      std::vector<Record> records;
      if (a.status == dns::Status::kOk)
        for (const auto& txt : a.records)
          if (auto r = parse_record(txt)) records.push_back(std::move(*r));
      if (records.empty()) {
        d.refused.push_back(
            uri + ": external destination not authorized (no v=DMARC1 record at " + name + ")");
        continue;
      }
      // Step 9: a rua in the authorizing record replaces the address, but only to the
      // same host; naming another host forbids both (§4, after the steps).
      std::vector<std::string> replacement;
      bool other_host = false;
      for (const auto& r : records)
        if (!r.rua.empty()) {
          for (const auto& u : r.rua)
            for (const auto& x : mailto_addresses(u)) {
              if (host_of(x) != host) other_host = true;
              replacement.push_back(x);
            }
          break;
        }
      if (other_host) {
        d.refused.push_back(uri + ": the authorization at " + name +
                            " names a destination on another host; neither is used");
        continue;
      }
      if (replacement.empty()) {
        add(address);
      } else {
        for (const auto& x : replacement) add(x);
      }
    }
  }
  return d;
}

}  // namespace postseal::dmarc
