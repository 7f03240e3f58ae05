/// \file
/// Relay presets (see relay.h).
#include "config/relay.h"

#include "config/text_file.h"

namespace postseal::config {

std::optional<Relay> parse_relay(std::string_view value) {
  std::string w = detail::lower(value);
  if (w == "none") return Relay::kNone;
  if (w == "ses") return Relay::kSes;
  return std::nullopt;
}

std::vector<std::string> relay_unsigned_headers(Relay r) {
  if (r == Relay::kSes) return {"Message-ID", "Date", "Return-Path", "Bounces-To"};
  return {};
}

std::string_view relay_reason(Relay r) {
  if (r == Relay::kSes)
    return "Amazon SES replaces Message-ID and Date and sets Return-Path and Bounces-To "
           "after our signature is made, so a signature over them would fail at every "
           "receiver (RFC 6376 section 5.4 lets the signer choose the fields)";
  return {};
}

namespace ses {

std::string feedback_mx(std::string_view region) {
  return "feedback-smtp." + std::string(region) + ".amazonses.com";
}

bool is_region(std::string_view region) {
  if (region.empty() || region.size() > 32 || region[0] < 'a' || region[0] > 'z') return false;
  for (char c : region)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

}  // namespace ses
}  // namespace postseal::config
