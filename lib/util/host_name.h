/// \file
/// This host's name, as gethostname(2) gives it: the default receiver= of Received-SPF,
/// the authserv-id when none is configured, and the host in log file lines. Reads the
/// system, so it belongs to the adapters, never to the pure core. Thread-safe.
#ifndef POSTSEAL_UTIL_HOST_NAME_H
#define POSTSEAL_UTIL_HOST_NAME_H

#include <string>

namespace postseal {

/// The host name as the system reports it (not looked up in DNS, not made fully
/// qualified). When gethostname(2) fails or gives an empty name, returns "localhost".
/// Never throws (beyond std::bad_alloc).
std::string host_name();

}  // namespace postseal

#endif  // POSTSEAL_UTIL_HOST_NAME_H
