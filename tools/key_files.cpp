/// \file
/// Key files: owner and exact-mode writes (see key_files.h).
#include "tools/key_files.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dns/zone_text.h"
#include "io/fd_io.h"
#include "util/errors.h"
#include "util/unique_fd.h"

namespace postseal::tools {

Owner parse_owner(const std::string& spec) {
  Owner o;
  std::string user = spec.substr(0, spec.find(':'));
  const passwd* pw = ::getpwnam(user.c_str());
  if (!pw) throw UsageError("--owner " + spec + ": no user \"" + user + "\" on this system");
  o.uid = pw->pw_uid;
  o.gid = pw->pw_gid;
  if (auto colon = spec.find(':'); colon != std::string::npos) {
    std::string group_name = spec.substr(colon + 1);
    const struct group* gr = ::getgrnam(group_name.c_str());
    if (!gr)
      throw UsageError("--owner " + spec + ": no group \"" + group_name + "\" on this system");
    o.gid = gr->gr_gid;
  }
  return o;
}

void write_file(const std::string& path, const std::string& data, mode_t mode,
                const Owner* owner) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd) throw TempFailure("cannot create " + path + ": " + std::strerror(errno));
  if (::fchmod(fd.get(), mode) != 0)
    throw TempFailure("cannot chmod " + path + ": " + std::strerror(errno));
  if (owner && ::fchown(fd.get(), owner->uid, owner->gid) != 0)
    throw TempFailure("cannot give " + path + " to " + std::to_string(owner->uid) + ":" +
                      std::to_string(owner->gid) + ": " + std::strerror(errno));
  io::write_all(fd.get(), data, path);
  if (::close(fd.release()) != 0)
    throw TempFailure("cannot write " + path + ": " + std::strerror(errno));
}

dkim::KeyType parse_key_type(const std::string& type) {
  if (type == "rsa") return dkim::KeyType::kRsa;
  if (type == "ed25519") return dkim::KeyType::kEd25519;
  throw UsageError("--type must be rsa or ed25519");
}

std::string zone_line(const std::string& selector, const std::string& domain,
                      const std::string& record) {
  return selector + "._domainkey\tIN\tTXT\t" + dns::zone_file_txt(record) +
         "  ; ----- DKIM key " + selector + " for " + domain + "\n";
}

}  // namespace postseal::tools
