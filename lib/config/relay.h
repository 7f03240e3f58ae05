/// \file
/// What postseal knows about the relays a site sends through (the `relay` option), in
/// one place for the signer and for `postseal check-dns --relay`: the header fields a
/// relay rewrites (so a signature over them breaks on the way out and must not cover
/// them), and for Amazon SES the DNS it expects (Easy DKIM's three CNAMEs into
/// dkim.amazonses.com, the custom MAIL FROM domain's MX to the region's feedback
/// endpoint and its SPF include). Pure data; thread-safe.
#ifndef POSTSEAL_CONFIG_RELAY_H
#define POSTSEAL_CONFIG_RELAY_H

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postseal::config {

enum class Relay {
  kNone,  ///< mail leaves unchanged: sign the usual fields
  kSes,   ///< Amazon SES (SMTP interface or API)
};

/// "none" or "ses" (any case) to a Relay; nullopt for anything else. Never fails.
std::optional<Relay> parse_relay(std::string_view value);

/// The header fields the relay rewrites or adds, never to be signed (empty for kNone).
/// For SES: Message-ID and Date, which it replaces, and Return-Path and Bounces-To,
/// which it sets from its own bounce handling.
std::vector<std::string> relay_unsigned_headers(Relay r);

/// One sentence: why those fields are not signed. Empty for kNone.
std::string_view relay_reason(Relay r);

/// Amazon SES's DNS conventions.
namespace ses {
/// Easy DKIM: TOKEN._domainkey.DOMAIN is a CNAME to TOKEN.dkim.amazonses.com.
inline constexpr std::string_view kDkimTargetSuffix = ".dkim.amazonses.com";
/// The SPF include a custom MAIL FROM domain needs.
inline constexpr std::string_view kSpfInclude = "include:amazonses.com";
/// The number of Easy DKIM selectors SES hands out.
inline constexpr int kDkimSelectors = 3;
/// The MX a custom MAIL FROM domain needs: feedback-smtp.REGION.amazonses.com
/// (lowercase, no final dot), preference 10.
std::string feedback_mx(std::string_view region);
/// True when `region` looks like an AWS region name ("eu-west-1"): lowercase letters,
/// digits and '-', starting with a letter. Never fails.
bool is_region(std::string_view region);
}  // namespace ses

}  // namespace postseal::config

#endif  // POSTSEAL_CONFIG_RELAY_H
