/// \file
/// SPF (RFC 7208) evaluation for the HELO and MAIL FROM identities: libspf2 does the
/// evaluation, every DNS question it asks is answered by a dns::Resolver (our own
/// SPF_dns_server_t layer, which also counts lookups for the RFC 7208 §4.6.4 limits),
/// and the known libspf2 faults (shared/notes/libspf2.md) are corrected around it.
/// Also writes the Received-SPF header field (RFC 7208 §9.1). A Checker may be used by
/// several threads at once.
#ifndef POSTSEAL_SPF_SPF_H
#define POSTSEAL_SPF_SPF_H

#include <memory>
#include <string>
#include <string_view>

#include "dns/limited_resolver.h"
#include "dns/resolver.h"

namespace postseal::spf {

/// RFC 7208 §2.6 results.
enum class Result { kNone, kNeutral, kPass, kFail, kSoftFail, kTempError, kPermError };

/// "none", "neutral", "pass", "fail", "softfail", "temperror", "permerror".
std::string_view to_string(Result r);

enum class Identity { kHelo, kMailFrom };

/// "helo" or "mailfrom" (RFC 7208 §9.1 identity= values).
std::string_view to_string(Identity i);

/// The outcome of one check.
struct Verdict {
  Result result = Result::kNone;
  Identity identity = Identity::kMailFrom;
  std::string domain;       ///< the domain checked (HELO name, or the sender's domain)
  std::string sender;       ///< the address checked: the MAIL FROM, or postmaster@HELO
  std::string explanation;  ///< for fail: the domain's exp= text, or a default
  std::string comment;      ///< one human-readable line, e.g. "domain of x designates ..."
  std::string problem;      ///< for temperror/permerror: what went wrong (problem=)
};

/// What Postfix's policy request tells us about the SMTP session.
struct Envelope {
  std::string client_ip;  ///< IPv4 or IPv6 text (IPv4-mapped IPv6 is taken as IPv4)
  std::string helo;       ///< may be empty
  std::string sender;     ///< MAIL FROM; empty for the null sender
};

class Checker {
 public:
  /// `receiver` is our host name (%{r} in macros, receiver= in Received-SPF). The
  /// resolver must outlive the Checker. `limits` bound each check's lookups and time
  /// (dns-lookup-limit, message-time-limit): a lookup past them is a temperror, as
  /// RFC 7208 §4.6.4 asks for a check that runs too long. RFC 7208's own term limits
  /// apply whatever they are.
  Checker(dns::Resolver& resolver, std::string receiver,
          dns::LimitedResolver::Limits limits = {});
  ~Checker();

  /// RFC 7208 §2.3: the HELO identity. A HELO that is not a domain name (an address
  /// literal, a single label) gives Result::kNone. `via`, when set, is asked instead of
  /// the Checker's resolver (a message's own budget, see session::Session).
  Verdict check_helo(const Envelope& env, dns::Resolver* via = nullptr);

  /// RFC 7208 §2.4: the MAIL FROM identity; the null sender is checked as
  /// postmaster@HELO.
  Verdict check_mail_from(const Envelope& env, dns::Resolver* via = nullptr);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

/// The Received-SPF field value (without "Received-SPF:"), RFC 7208 §9.1: the result
/// word, a comment, then client-ip=, envelope-from=, helo=, receiver=, identity= (and
/// problem= for errors) as key=value pairs.
std::string received_spf(const Verdict& v, const Envelope& env, std::string_view receiver);

}  // namespace postseal::spf

#endif  // POSTSEAL_SPF_SPF_H
