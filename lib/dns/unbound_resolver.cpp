/// \file
/// The libunbound adapter (unbound_resolver.h). libunbound runs its resolver in a
/// background thread (ub_ctx_async(ctx, 1)); our own dispatcher thread waits on ub_fd()
/// and calls ub_process(), which runs the callbacks that hand answers to the waiting
/// callers. A caller waits on a condition variable until its answer arrives or its
/// deadline passes; then it cancels the query, so a dead server costs at most the
/// configured timeout. In front of libunbound sits a small TTL cache, so a daemon's hot
/// answers cost a map lookup instead of a round trip through libunbound's pipes.
#include "dns/unbound_resolver.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <unbound.h>
#include <unistd.h>

#include "util/ascii.h"
#include "util/c_handle.h"
#include "util/shared_lib.h"
#include "util/unique_fd.h"

namespace postseal::dns {

namespace {

using Clock = std::chrono::steady_clock;
// libunbound, loaded with dlopen on first use (util/shared_lib.h): a pipe filter that
// only signs never resolves anything, and linking libunbound would load and relocate it
// with libevent, nettle, hogweed and gmp at every start (doc/notes/pipe-filter-cost.md).
struct UnboundApi {
  decltype(&ub_ctx_create) ctx_create;
  decltype(&ub_ctx_delete) ctx_delete;
  decltype(&ub_ctx_set_option) ctx_set_option;
  decltype(&ub_ctx_resolvconf) ctx_resolvconf;
  decltype(&ub_ctx_set_fwd) ctx_set_fwd;
  decltype(&ub_ctx_add_ta_file) ctx_add_ta_file;
  decltype(&ub_ctx_async) ctx_async;
  decltype(&ub_fd) fd;
  decltype(&ub_process) process;
  decltype(&ub_resolve_async) resolve_async;
  decltype(&ub_cancel) cancel;
  decltype(&ub_resolve_free) resolve_free;
  decltype(&ub_strerror) strerror;
};

// In the order of the struct members.
constexpr const char* kUnboundNames[] = {
    "ub_ctx_create",  "ub_ctx_delete",      "ub_ctx_set_option", "ub_ctx_resolvconf",
    "ub_ctx_set_fwd", "ub_ctx_add_ta_file", "ub_ctx_async",      "ub_fd",
    "ub_process",     "ub_resolve_async",   "ub_cancel",         "ub_resolve_free",
    "ub_strerror"};

const UnboundApi& ub() {
  return shared_lib<UnboundApi>({"dns", "libunbound.so.8", "libunbound8"}, kUnboundNames);
}

void ctx_delete(ub_ctx* c) { ub().ctx_delete(c); }
void result_free(ub_result* r) { ub().resolve_free(r); }
using UbCtx = CHandle<ub_ctx, ctx_delete>;
using UbResult = CHandle<ub_result, result_free>;

// Longest time an answer stays in our cache, whatever its TTL says.
constexpr uint32_t kMaxCacheTtl = 3600;

// Zones libunbound would otherwise answer NXDOMAIN for on its own (see create()).
const char* const kPassThroughZones[] = {"2.0.192.in-addr.arpa.",
                                         "100.51.198.in-addr.arpa.",
                                         "113.0.203.in-addr.arpa.",
                                         "254.169.in-addr.arpa.",
                                         "0.in-addr.arpa.",
                                         "8.b.d.0.1.0.0.2.ip6.arpa.",
                                         "test.",
                                         "invalid.",
                                         "home.arpa."};

// RFC 1035 §2.3.4: labels of 1..63 octets, 253 characters in all. Anything else (an
// empty label, a NUL byte) is not a question we can ask.
bool valid_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > 253) return false;
  size_t label = 0;
  for (char c : name) {
    if (c == '\0') return false;
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
    } else if (++label > 63) {
      return false;
    }
  }
  return label > 0;
}

// A domain name in wire format (uncompressed, as libunbound hands out rdata) to
// lowercase text without the final dot. Empty on malformed input.
std::string wire_name(std::string_view w) {
  std::string out;
  size_t i = 0;
  while (i < w.size()) {
    size_t len = static_cast<unsigned char>(w[i++]);
    if (len == 0) return out.empty() ? std::string(".") : ascii_lower(out);
    if (len > 63 || i + len > w.size()) return {};
    if (!out.empty()) out += '.';
    out.append(w.substr(i, len));
    i += len;
  }
  return {};
}

// RFC 1035 §3.3.14: TXT rdata is one or more <length><bytes> character-strings; the
// record's text is their concatenation (RFC 6376 §3.6.2.2, RFC 7208 §3.3).
bool txt_text(std::string_view rdata, std::string& out) {
  size_t i = 0;
  while (i < rdata.size()) {
    size_t len = static_cast<unsigned char>(rdata[i++]);
    if (i + len > rdata.size()) return false;
    out.append(rdata.substr(i, len));
    i += len;
  }
  return true;
}

// Turns libunbound's result into an Answer.
Answer convert(const ub_result& r, Type type) {
  Answer a;
  a.ttl = r.ttl > 0 ? static_cast<uint32_t>(r.ttl) : 0;
  a.secure = r.secure != 0;
  if (r.bogus) {
    a.status = Status::kTempError;
    a.reason =
        std::string("DNSSEC validation failed: ") + (r.why_bogus ? r.why_bogus : "bogus");
    return a;
  }
  if (r.rcode == 3 || r.nxdomain) {
    a.status = Status::kNxDomain;
    return a;
  }
  if (r.rcode != 0) {
    // SERVFAIL (2) is what libunbound reports for an unreachable or failing upstream;
    // REFUSED and the rest are trouble at the server too, never a statement about the
    // name: a temporary error.
    a.status = Status::kTempError;
    a.reason = "DNS server answered rcode " + std::to_string(r.rcode);
    return a;
  }
  if (!r.havedata) {
    a.status = Status::kNoData;
    return a;
  }
  std::vector<std::pair<unsigned, std::string>> mx;
  for (int i = 0; r.data[i]; ++i) {
    std::string_view rd(r.data[i], static_cast<size_t>(r.len[i]));
    switch (type) {
      case Type::kA:
        if (rd.size() == 4) a.records.emplace_back(rd);
        break;
      case Type::kAaaa:
        if (rd.size() == 16) a.records.emplace_back(rd);
        break;
      case Type::kTxt: {
        std::string text;
        if (txt_text(rd, text)) a.records.push_back(std::move(text));
        break;
      }
      case Type::kMx: {
        if (rd.size() < 3) break;
        unsigned pref =
            (static_cast<unsigned char>(rd[0]) << 8) | static_cast<unsigned char>(rd[1]);
        std::string name = wire_name(rd.substr(2));
        if (!name.empty()) mx.emplace_back(pref, std::move(name));
        break;
      }
      case Type::kCname:
      case Type::kPtr: {
        std::string name = wire_name(rd);
        if (!name.empty()) a.records.push_back(std::move(name));
        break;
      }
    }
  }
  std::stable_sort(mx.begin(), mx.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  for (auto& m : mx) a.records.push_back(std::move(m.second));
  a.status = a.records.empty() ? Status::kNoData : Status::kOk;
  return a;
}

}  // namespace

UnboundOptions unbound_options(const config::Settings& s) {
  UnboundOptions o;
  o.upstream = s.str("dns");
  o.timeout_ms = static_cast<uint32_t>(std::min<uint64_t>(s.uint("dns-timeout"), 300) * 1000);
  o.trust_anchor_file = s.str("dns-trust-anchor");
  return o;
}

Result<std::string> upstream_to_unbound(const std::string& upstream) {
  std::string host = upstream, port;
  unsigned char buf[16];
  if (!upstream.empty() && upstream.front() == '[') {
    size_t close = upstream.find(']');
    if (close == std::string::npos) return Error{"dns: missing ']' in \"" + upstream + "\""};
    host = upstream.substr(1, close - 1);
    std::string rest = upstream.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return Error{"dns: expected :PORT after ']' in \"" + upstream + "\""};
      port = rest.substr(1);
    }
    if (inet_pton(AF_INET6, host.c_str(), buf) != 1)
      return Error{"dns: \"" + host + "\" is not an IPv6 address"};
  } else if (inet_pton(AF_INET6, upstream.c_str(), buf) == 1) {
    host = upstream;
  } else {
    size_t colon = upstream.rfind(':');
    if (colon != std::string::npos) {
      host = upstream.substr(0, colon);
      port = upstream.substr(colon + 1);
      if (port.empty()) return Error{"dns: missing port after ':' in \"" + upstream + "\""};
    }
    if (inet_pton(AF_INET, host.c_str(), buf) != 1)
      return Error{"dns: \"" + host + "\" is not an IP address (name the server by address)"};
  }
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(port) == 0 || std::stoul(port) > 65535)
      return Error{"dns: bad port \"" + port + "\""};
    return host + "@" + port;
  }
  return host;
}

struct UnboundResolver::Impl {
  struct Pending {
    bool done = false;
    Answer answer;
  };
  struct CacheEntry {
    Answer answer;
    Clock::time_point expires;
  };

  UbCtx ctx;
  UnboundOptions options;
  UniqueFd wake_read, wake_write;
  std::thread dispatcher;

  std::mutex mu;
  std::condition_variable cv;
  uint64_t next_id = 1;
  std::unordered_map<uint64_t, Pending*> pending;     // guarded by mu
  std::unordered_map<std::string, CacheEntry> cache;  // guarded by mu

  ~Impl() {
    if (dispatcher.joinable()) {
      char c = 0;
      (void)!write(wake_write.get(), &c, 1);
      dispatcher.join();
    }
  }

  // The callback libunbound runs inside ub_process(), on the dispatcher thread. It must
  // not throw (it is called from C).
  static void on_answer(void* data, int err, ub_result* raw) noexcept;

  void run() {
    pollfd fds[2] = {{ub().fd(ctx.get()), POLLIN, 0}, {wake_read.get(), POLLIN, 0}};
    for (;;) {
      int n = poll(fds, 2, -1);
      if (n < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[1].revents) return;
      if (fds[0].revents) ub().process(ctx.get());
    }
  }

  Answer lookup(const std::string& name, Type type) {
    std::string key = ascii_lower(name);
    if (!key.empty() && key.back() == '.') key.pop_back();
    key += '/';
    key += std::to_string(static_cast<unsigned>(type));

    std::unique_lock lock(mu);
    if (options.cache_entries) {
      auto it = cache.find(key);
      if (it != cache.end()) {
        if (it->second.expires > Clock::now()) return it->second.answer;
        cache.erase(it);
      }
    }
    Pending p;
    uint64_t id = next_id++;
    pending[id] = &p;
    int async_id = 0;
    int rc = ub().resolve_async(ctx.get(), name.c_str(), static_cast<int>(type), 1 /* IN */,
                                reinterpret_cast<void*>(static_cast<uintptr_t>(id)), on_answer,
                                &async_id);
    if (rc != 0) {
      pending.erase(id);
      Answer a;
      a.reason = std::string("resolver: ") + ub().strerror(rc);
      return a;
    }
    auto deadline = Clock::now() + std::chrono::milliseconds(options.timeout_ms);
    if (!cv.wait_until(lock, deadline, [&] { return p.done; })) {
      // Timed out: forget the query so a late answer finds nobody, then cancel it.
      pending.erase(id);
      lock.unlock();
      ub().cancel(ctx.get(), async_id);
      Answer a;
      a.reason = "DNS timeout after " + std::to_string(options.timeout_ms) + " ms";
      return a;
    }
    const Answer& a = p.answer;
    bool cacheable = a.status != Status::kTempError && a.status != Status::kPermError;
    if (options.cache_entries && cacheable && a.ttl > 0) {
      if (cache.size() >= options.cache_entries) {
        auto now = Clock::now();
        std::erase_if(cache, [&](const auto& e) { return e.second.expires <= now; });
        if (cache.size() >= options.cache_entries) cache.clear();
      }
      cache[key] =
          CacheEntry{a, Clock::now() + std::chrono::seconds(std::min(a.ttl, kMaxCacheTtl))};
    }
    return p.answer;
  }
};

namespace {
// The Impl whose dispatcher runs on this thread: callbacks only ever run there, inside
// ub_process(), so this tells on_answer() whose answer it holds.
thread_local UnboundResolver::Impl* current_impl = nullptr;
}  // namespace

void UnboundResolver::Impl::on_answer(void* data, int err, ub_result* raw) noexcept {
  UbResult result(raw);
  Impl* self = current_impl;
  if (!self) return;
  auto id = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(data));
  try {
    Answer a;
    if (err != 0 || !result) {
      a.status = Status::kTempError;
      a.reason = std::string("resolver: ") + ub().strerror(err);
    } else {
      a = convert(*result, static_cast<Type>(result->qtype));
    }
    std::lock_guard lock(self->mu);
    auto it = self->pending.find(id);
    if (it == self->pending.end()) return;  // the caller gave up (timeout)
    it->second->answer = std::move(a);
    it->second->done = true;
    self->pending.erase(it);
    self->cv.notify_all();
  } catch (...) {
    // Out of memory in a C callback: the caller will time out and report temperror.
  }
}

UnboundResolver::UnboundResolver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
UnboundResolver::~UnboundResolver() = default;

Result<std::unique_ptr<UnboundResolver>> UnboundResolver::create(
    const UnboundOptions& options) {
  // A missing libunbound is a startup error of the resolver, like a bad option.
  try {
    ub();
  } catch (const TempFailure& e) {
    return Error{e.what()};
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->ctx.reset(ub().ctx_create());
  if (!impl->ctx) return Error{"dns: cannot create a libunbound context"};
  ub_ctx* ctx = impl->ctx.get();
  auto set = [&](const char* opt, const char* val) -> postseal::Status {
    int rc = ub().ctx_set_option(ctx, opt, val);
    if (rc != 0)
      return Error{std::string("dns: option ") + opt + " " + val + ": " + ub().strerror(rc)};
    return {};
  };
  // Loopback servers (a local cache, or a test's own server) are legitimate upstreams.
  if (auto st = set("do-not-query-localhost:", "no"); !st.ok()) return Error{st.message()};
  // Answers live in our own cache; libunbound's caches serve the CNAME targets and the
  // in-flight queries. Keep probing a server that timed out, so that one outage is not
  // remembered as a dead server for the next 15 minutes.
  if (auto st = set("infra-keep-probing:", "yes"); !st.ok()) return Error{st.message()};
  // libunbound answers some reverse and special-use zones itself (RFC 6303 and the
  // documentation ranges of RFC 5737/3849). A filter asks its site's resolver; what
  // that resolver says about them is the answer: a transparent local zone with no data
  // passes every question on ("nodefault" set through this API does not).
  if (auto st = set("unblock-lan-zones:", "yes"); !st.ok()) return Error{st.message()};
  if (auto st = set("insecure-lan-zones:", "yes"); !st.ok()) return Error{st.message()};
  for (const char* zone : kPassThroughZones) {
    std::string v = std::string(zone) + " transparent";
    if (auto st = set("local-zone:", v.c_str()); !st.ok()) return Error{st.message()};
  }
  if (options.upstream.empty()) {
    int rc = ub().ctx_resolvconf(ctx, nullptr);
    if (rc != 0)
      return Error{std::string("dns: reading /etc/resolv.conf: ") + ub().strerror(rc)};
  } else {
    auto addr = upstream_to_unbound(options.upstream);
    if (!addr.ok()) return Error{addr.message()};
    int rc = ub().ctx_set_fwd(ctx, addr->c_str());
    if (rc != 0) return Error{"dns: upstream " + options.upstream + ": " + ub().strerror(rc)};
  }
  if (!options.trust_anchor_file.empty()) {
    // libunbound reads the file only at the first query; a missing file must be a
    // startup error instead, not a temperror on every lookup.
    if (access(options.trust_anchor_file.c_str(), R_OK) != 0)
      return Error{"dns: trust anchor " + options.trust_anchor_file + ": " + strerror(errno)};
    int rc = ub().ctx_add_ta_file(ctx, options.trust_anchor_file.c_str());
    if (rc != 0)
      return Error{"dns: trust anchor " + options.trust_anchor_file + ": " + ub().strerror(rc)};
  }
  int rc = ub().ctx_async(ctx, 1);
  if (rc != 0) return Error{std::string("dns: ") + ub().strerror(rc)};
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Error{"dns: pipe: " + std::string(strerror(errno))};
  impl->wake_read = UniqueFd(fds[0]);
  impl->wake_write = UniqueFd(fds[1]);
  Impl* raw = impl.get();
  impl->dispatcher = std::thread([raw] {
    current_impl = raw;
    raw->run();
  });
  return std::unique_ptr<UnboundResolver>(new UnboundResolver(std::move(impl)));
}

Answer UnboundResolver::query(std::string_view name, Type type) {
  if (!valid_name(name)) {
    Answer a;
    a.status = Status::kPermError;
    a.reason = "not a valid domain name";
    return a;
  }
  try {
    return impl_->lookup(std::string(name), type);
  } catch (const std::exception& e) {
    Answer a;
    a.reason = std::string("resolver: ") + e.what();
    return a;
  }
}

}  // namespace postseal::dns
