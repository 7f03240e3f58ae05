/// \file
/// The SPF result DMARC builds on, read from the field postseal-policyd had Postfix's
/// smtpd prepend: Received-SPF (RFC 7208 §9.1) whose receiver= is ours, or an
/// Authentication-Results field (RFC 8601 §2.7.2) with our authserv-id and an spf
/// result. Only fields above the message's first Received field count: those were added
/// by our own MTA; anything below arrived with the message and may be forged. Pure.
#ifndef POSTSEAL_SESSION_SPF_INPUT_H
#define POSTSEAL_SESSION_SPF_INPUT_H

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mail/header.h"

namespace postseal::session {

/// A Received-SPF field value taken apart.
struct ReceivedSpf {
  std::string result;  ///< lower case: "pass", "fail", ...
  std::string envelope_from;
  std::string helo;
  std::string receiver;
  std::string identity;  ///< "mailfrom", "helo", or empty
};

/// Parses a Received-SPF value: the result word, an optional comment, then key=value
/// pairs (values may be quoted strings). nullopt when there is no result word.
std::optional<ReceivedSpf> parse_received_spf(std::string_view value);

/// An SPF result for DMARC: the result and the domain it was for (the MAIL FROM
/// domain, or the HELO name when the sender was null).
struct SpfResult {
  std::string result;
  std::string domain;
  std::string source;  ///< "Received-SPF" or "Authentication-Results"
};

/// The position of the first Received field, or 0 when there is none (then no field is
/// ours).
size_t first_received(const std::vector<mail::HeaderField>& fields);

/// The topmost trusted SPF result among `fields` above `boundary`: a Received-SPF whose
/// receiver= equals `receiver`, or an Authentication-Results with `authserv_id` that
/// carries spf=. nullopt when none is there. Never fails.
std::optional<SpfResult> trusted_spf(const std::vector<mail::HeaderField>& fields,
                                     size_t boundary, std::string_view receiver,
                                     std::string_view authserv_id);

}  // namespace postseal::session

#endif  // POSTSEAL_SESSION_SPF_INPUT_H
