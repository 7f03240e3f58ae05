/// \file
/// The in-memory test resolver (static_resolver.h).
#include "dns/static_resolver.h"

#include <arpa/inet.h>

#include "util/ascii.h"

namespace postseal::dns {
namespace {

// Names compare case-insensitively and without the final dot.
std::string key(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return ascii_lower(name);
}

}  // namespace

void StaticResolver::add_txt(std::string_view name, std::string_view text) {
  std::lock_guard lock(mu_);
  records_[{key(name), Type::kTxt}].emplace_back(text);
}

void StaticResolver::add_address(std::string_view name, std::string_view address) {
  std::string a(address);
  unsigned char buf[16];
  std::lock_guard lock(mu_);
  if (inet_pton(AF_INET, a.c_str(), buf) == 1)
    records_[{key(name), Type::kA}].emplace_back(reinterpret_cast<char*>(buf), 4);
  else if (inet_pton(AF_INET6, a.c_str(), buf) == 1)
    records_[{key(name), Type::kAaaa}].emplace_back(reinterpret_cast<char*>(buf), 16);
}

void StaticResolver::add_mx(std::string_view name, std::string_view exchange) {
  std::lock_guard lock(mu_);
  records_[{key(name), Type::kMx}].push_back(key(exchange));
}

void StaticResolver::add_ptr(std::string_view name, std::string_view target) {
  std::lock_guard lock(mu_);
  records_[{key(name), Type::kPtr}].push_back(key(target));
}

void StaticResolver::add_cname(std::string_view name, std::string_view target) {
  std::lock_guard lock(mu_);
  cnames_[key(name)] = key(target);
}

void StaticResolver::fail(std::string_view name, Status status, std::string reason) {
  std::lock_guard lock(mu_);
  failures_[key(name)] = {status, std::move(reason)};
}

Answer StaticResolver::lookup(const std::string& name, Type type, int depth) const {
  Answer a;
  if (auto f = failures_.find(name); f != failures_.end()) {
    a.status = f->second.first;
    a.reason = f->second.second;
    return a;
  }
  if (auto c = cnames_.find(name); c != cnames_.end()) {
    // A CNAME question is answered by the name's own CNAME, not followed.
    if (type == Type::kCname) {
      a.status = Status::kOk;
      a.ttl = 300;
      a.records = {c->second};
      return a;
    }
    if (depth > 8) {
      a.status = Status::kTempError;
      a.reason = "CNAME chain too long";
      return a;
    }
    return lookup(c->second, type, depth + 1);
  }
  a.ttl = 300;
  if (auto r = records_.find({name, type}); r != records_.end() && !r->second.empty()) {
    a.status = Status::kOk;
    a.records = r->second;
    return a;
  }
  for (const auto& [k, v] : records_) {
    if (k.first == name) {
      a.status = Status::kNoData;
      return a;
    }
  }
  a.status = Status::kNxDomain;
  return a;
}

Answer StaticResolver::query(std::string_view name, Type type) {
  std::lock_guard lock(mu_);
  std::string k = key(name);
  log_.push_back(k + " " + std::string(to_string(type)));
  return lookup(k, type, 0);
}

std::vector<std::string> StaticResolver::log() const {
  std::lock_guard lock(mu_);
  return log_;
}

size_t StaticResolver::query_count() const {
  std::lock_guard lock(mu_);
  return log_.size();
}

}  // namespace postseal::dns
