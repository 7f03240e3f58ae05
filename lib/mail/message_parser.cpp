/// \file
/// Incremental header-block reader.
#include "mail/message_parser.h"

#include <algorithm>
#include <string>

namespace postseal::mail {
namespace {

// RFC 5322 §2.2: a field name is printable US-ASCII except ':'. Whitespace before the
// colon is obsolete syntax (§4.5) that real mail still carries; it is accepted.
bool valid_field_line(std::string_view line) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  size_t end = colon;
  while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t')) --end;
  if (end == 0) return false;
  for (size_t i = 0; i < end; ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

}  // namespace

std::string_view eol_bytes(LineEnding e) { return e == LineEnding::kCrlf ? "\r\n" : "\n"; }

MessageParser::MessageParser(ParseLimits limits) : limits_(limits) {}

Result<std::string_view> MessageParser::feed(std::string_view data) {
  if (failed_) return Error{"message parser: input after an error"};
  if (done_) return data;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    if (nl == std::string_view::npos) {
      line_.append(data.substr(pos));
      if (header_bytes_ + line_.size() > limits_.max_header_bytes) {
        failed_ = true;
        return Error{"header block larger than " + std::to_string(limits_.max_header_bytes) +
                     " bytes"};
      }
      // A line cannot be part of a field shorter than itself.
      if (line_.size() > limits_.max_field_bytes) {
        failed_ = true;
        return Error{field_too_long(line_[0] == ' ' || line_[0] == '\t' ? current_ : line_)};
      }
      return std::string_view();
    }
    Status st;
    if (line_.empty()) {
      st = take_line(data.substr(pos, nl + 1 - pos));
    } else {
      line_.append(data.substr(pos, nl + 1 - pos));
      std::string line = std::move(line_);
      line_.clear();
      st = take_line(line);
    }
    if (!st.ok()) {
      failed_ = true;
      return Error{st.message()};
    }
    pos = nl + 1;
    if (done_) return data.substr(pos);
  }
  return std::string_view();
}

Status MessageParser::finish() {
  if (failed_) return Error{"message parser: finish after an error"};
  if (done_) return {};
  if (!line_.empty()) {
    std::string line = std::move(line_);
    line_.clear();
    Status st = take_line(line);
    if (!st.ok()) {
      failed_ = true;
      return st;
    }
  }
  Status st = flush_field();
  if (!st.ok()) {
    failed_ = true;
    return st;
  }
  done_ = true;
  return {};
}

Status MessageParser::take_line(std::string_view line) {
  header_bytes_ += line.size();
  if (header_bytes_ > limits_.max_header_bytes)
    return Error{"header block larger than " + std::to_string(limits_.max_header_bytes) +
                 " bytes"};
  bool has_lf = !line.empty() && line.back() == '\n';
  if (!eol_known_ && has_lf) {
    eol_ = (line.size() >= 2 && line[line.size() - 2] == '\r') ? LineEnding::kCrlf
                                                               : LineEnding::kLf;
    eol_known_ = true;
  }
  if (line == "\n" || line == "\r\n") {
    Status st = flush_field();
    if (!st.ok()) return st;
    separator_ = std::string(line);
    done_ = true;
    return {};
  }
  if (line[0] == ' ' || line[0] == '\t') {
    if (current_.empty()) return Error{"continuation line before the first header field"};
    if (current_.size() + line.size() > limits_.max_field_bytes)
      return Error{field_too_long(current_)};
    current_.append(line);
    return {};
  }
  if (!valid_field_line(line)) return Error{"malformed header line (no field name and colon)"};
  Status st = flush_field();
  if (!st.ok()) return st;
  if (line.size() > limits_.max_field_bytes) return Error{field_too_long(line)};
  current_.assign(line);
  return {};
}

std::string MessageParser::field_too_long(std::string_view field) const {
  std::string name(field.substr(0, std::min(field.find(':'), size_t(64))));
  for (char& c : name)
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e) c = '?';
  return "header field \"" + name + "\" longer than " +
         std::to_string(limits_.max_field_bytes) + " bytes";
}

Status MessageParser::flush_field() {
  if (current_.empty()) return {};
  if (fields_.size() >= limits_.max_header_fields)
    return Error{"more than " + std::to_string(limits_.max_header_fields) + " header fields"};
  fields_.push_back(HeaderField{std::move(current_)});
  current_.clear();
  return {};
}

}  // namespace postseal::mail
