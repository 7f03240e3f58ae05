/// \file
/// Writing key files, shared by postseal keygen and postseal rotate: the owner a file is
/// given (--owner USER[:GROUP], or the owner of the key being replaced) and a file
/// written with an exact mode. Tools code: does I/O; throws UsageError and TempFailure.
#ifndef POSTSEAL_TOOLS_KEY_FILES_H
#define POSTSEAL_TOOLS_KEY_FILES_H

#include <string>

#include <sys/types.h>

#include "dkim/key.h"

namespace postseal::tools {

struct Owner {
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
};

/// --owner USER[:GROUP]; the group defaults to the user's login group. Throws
/// UsageError naming an unknown user or group.
Owner parse_owner(const std::string& spec);

/// Creates or truncates `path` with exactly `mode` (whatever the umask), gives it to
/// `owner` when not null, and writes `data`. Throws TempFailure naming the path.
void write_file(const std::string& path, const std::string& data, mode_t mode,
                const Owner* owner);

/// --type: "rsa" or "ed25519". Throws UsageError for anything else.
dkim::KeyType parse_key_type(const std::string& type);

/// The zone-file line that publishes `record` for `selector` of `domain` (strings of at
/// most 250 characters, as NSD, BIND and Knot read them), ending in a newline.
std::string zone_line(const std::string& selector, const std::string& domain,
                      const std::string& record);

}  // namespace postseal::tools

#endif  // POSTSEAL_TOOLS_KEY_FILES_H
