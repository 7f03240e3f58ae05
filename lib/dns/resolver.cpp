/// \file
/// Names for the DNS types and statuses (resolver.h).
#include "dns/resolver.h"

namespace postseal::dns {

std::string_view to_string(Type t) {
  switch (t) {
    case Type::kA:
      return "A";
    case Type::kCname:
      return "CNAME";
    case Type::kPtr:
      return "PTR";
    case Type::kMx:
      return "MX";
    case Type::kTxt:
      return "TXT";
    case Type::kAaaa:
      return "AAAA";
  }
  return "?";
}

std::string_view to_string(Status s) {
  switch (s) {
    case Status::kOk:
      return "ok";
    case Status::kNoData:
      return "nodata";
    case Status::kNxDomain:
      return "nxdomain";
    case Status::kTempError:
      return "temperror";
    case Status::kPermError:
      return "permerror";
  }
  return "?";
}

}  // namespace postseal::dns
