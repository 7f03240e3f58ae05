/// \file
/// Settings to policy objects (see setup.h).
#include "policy/setup.h"

#include "net/server.h"
#include "util/errors.h"

namespace postseal::policy {
namespace {

Action action_option(const config::Settings& s, const char* name) {
  auto a = parse_action(s.str(name));
  if (!a.ok()) throw ConfigError(std::string(name) + ": " + a.message());
  return *a;
}

config::HostList host_list_option(const config::Settings& s, const char* name) {
  auto list = config::HostList::from_value(s.str(name));
  if (!list.ok()) throw ConfigError(std::string(name) + ": " + list.message());
  return std::move(list).value();
}

}  // namespace

PolicySettings policy_settings(const config::Settings& s, const std::string& hostname) {
  PolicySettings p;
  p.fail = action_option(s, "spf-fail-action");
  p.softfail = action_option(s, "spf-softfail-action");
  p.temperror = action_option(s, "spf-temperror-action");
  p.permerror = action_option(s, "spf-permerror-action");
  p.malformed_defer = s.str("malformed-request-action") == "defer";
  p.header = s.str("header-type") == "authentication-results"
                 ? HeaderType::kAuthenticationResults
                 : HeaderType::kReceivedSpf;
  p.receiver = s.str("receiver").empty() ? hostname : s.str("receiver");
  p.authserv_id = s.str("authserv-id").empty() ? p.receiver : s.str("authserv-id");
  p.skip_networks = host_list_option(s, "skip-networks");
  p.skip_helo = host_list_option(s, "skip-helo");
  p.skip_senders = host_list_option(s, "skip-senders");
  p.skip_sasl = s.flag("skip-sasl");
  return p;
}

ServerOptions server_options(const config::Settings& s) {
  ServerOptions o;
  auto listen = parse_listen(s.str("listen"));
  if (!listen.ok()) throw ConfigError("listen: " + listen.message());
  o.listen = *listen;
  // The table's validator allowed only octal digits.
  o.access.mode = static_cast<mode_t>(std::stoul(s.str("socket-mode"), nullptr, 8));
  o.access.uid = net::user_id(s.str("socket-owner"), "socket-owner");
  o.access.gid = net::group_id(s.str("socket-group"), "socket-group");
  o.idle_timeout = static_cast<unsigned>(std::min<uint64_t>(s.uint("idle-timeout"), 86400));
  o.request_timeout =
      static_cast<unsigned>(std::min<uint64_t>(s.uint("request-timeout"), 3600));
  o.max_connections =
      static_cast<unsigned>(std::min<uint64_t>(s.uint("max-connections"), 100000));
  // A request over either limit is malformed: malformed-request-action answers it and
  // the connection goes on with the next request (request.h).
  o.limits.max_line =
      static_cast<std::size_t>(std::min<uint64_t>(s.uint("request-line-limit"), 1 << 20));
  o.limits.max_attributes =
      static_cast<std::size_t>(std::min<uint64_t>(s.uint("request-attribute-limit"), 100000));
  return o;
}

}  // namespace postseal::policy
