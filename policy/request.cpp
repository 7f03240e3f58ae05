/// \file
/// The incremental policy request parser and the reply formatter (see request.h).
#include "policy/request.h"

#include <algorithm>

namespace postseal::policy {
namespace {

/// Attribute names are Postfix's lowercase words ("client_address", "ccert_subject"):
/// printable ASCII without space or '='.
bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return c > ' ' && c < 0x7f && c != '='; });
}

}  // namespace

std::string_view Request::get(std::string_view name) const {
  for (const auto& [n, v] : attributes)
    if (n == name) return v;
  return {};
}

bool Request::has(std::string_view name) const {
  return std::any_of(attributes.begin(), attributes.end(),
                     [&](const auto& a) { return a.first == name; });
}

RequestParser::RequestParser(ParserLimits limits) : limits_(limits) {}

bool RequestParser::in_request() const {
  return current_started_ || !partial_.empty() || discarding_;
}

void RequestParser::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    auto lf = bytes.find('\n');
    std::string_view piece = bytes.substr(0, lf);
    if (discarding_) {
      // The rest of an over-long line: drop it, but its LF still ends the line.
      if (lf == std::string_view::npos) return;
      discarding_ = false;
      bytes.remove_prefix(lf + 1);
      continue;
    }
    if (partial_.size() + piece.size() > limits_.max_line) {
      // Too long, with or without its LF in sight. Memory stays bounded: what was kept
      // is dropped and the rest of the line is skipped up to its LF.
      current_started_ = true;
      if (current_.error.empty())
        current_.error = "line longer than " + std::to_string(limits_.max_line) + " bytes";
      partial_.clear();
      if (lf == std::string_view::npos) {
        discarding_ = true;
        return;
      }
      bytes.remove_prefix(lf + 1);
      continue;
    }
    if (lf == std::string_view::npos) {
      partial_.append(piece);
      return;
    }
    if (partial_.empty()) {
      take_line(piece);
    } else {
      partial_.append(piece);
      std::string line = std::move(partial_);
      partial_.clear();
      take_line(line);
    }
    bytes.remove_prefix(lf + 1);
  }
}

void RequestParser::take_line(std::string_view line) {
  // A CR before the LF is tolerated, so a request typed by hand over telnet works too.
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  if (line.empty()) {
    // SMTPD_POLICY_README: an empty line ends the request. One with no attributes at
    // all is answered too (as malformed), so every terminator gets exactly one reply.
    if (!current_started_) current_.error = "empty request";
    done_.push_back(std::move(current_));
    current_ = ParsedRequest{};
    current_started_ = false;
    return;
  }
  current_started_ = true;
  // After the first problem, the rest of the request is only read past, not stored.
  if (!current_.error.empty()) return;

  auto eq = line.find('=');
  if (eq == std::string_view::npos) {
    current_.error = "line without \"=\"";
    return;
  }
  std::string_view name = line.substr(0, eq);
  std::string_view value = line.substr(eq + 1);
  if (!valid_name(name)) {
    current_.error = "invalid attribute name";
    return;
  }
  if (value.find('\0') != std::string_view::npos) {
    current_.error = "NUL byte in attribute " + std::string(name);
    return;
  }
  if (current_.request.has(name)) {
    current_.error = "attribute " + std::string(name) + " sent twice";
    return;
  }
  if (current_.request.attributes.size() >= limits_.max_attributes) {
    current_.error = "more than " + std::to_string(limits_.max_attributes) + " attributes";
    current_.request.attributes.clear();
    return;
  }
  current_.request.attributes.emplace_back(std::string(name), std::string(value));
}

std::optional<ParsedRequest> RequestParser::next() {
  if (done_.empty()) return std::nullopt;
  ParsedRequest r = std::move(done_.front());
  done_.pop_front();
  return r;
}

std::string format_reply(std::string_view action) {
  std::string out = "action=";
  out.reserve(action.size() + 9);
  for (char c : action) {
    auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  out += "\n\n";
  return out;
}

}  // namespace postseal::policy
