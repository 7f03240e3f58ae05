/// \file
/// Authentication-Results writing and parsing (authres.h), RFC 8601 §2.2's grammar.
#include "authres/authres.h"

#include "mail/field_writer.h"
#include "util/ascii.h"

namespace postseal::authres {
namespace {

bool is_wsp(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_ctl(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }
bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_tspecial(char c) {
  return std::string_view("()<>@,;:\\\"/[]?=").find(c) != std::string_view::npos;
}

// RFC 8601 pvalue's second form, [local-part] "@" domain-name, with a dot-atom local-part.
bool is_address(std::string_view s) {
  size_t at = s.rfind('@');
  if (at == std::string_view::npos) return false;
  for (char c : s.substr(0, at))
    if (!is_alnum(c) &&
        std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) == std::string_view::npos)
      return false;
  std::string_view domain = s.substr(at + 1);
  if (domain.empty()) return false;
  for (char c : domain)
    if (!is_alnum(c) && c != '-' && c != '.' && c != '_') return false;
  return true;
}

// Base64 text such as a header.b value. RFC 2045 counts '/' and '=' as tspecials, but
// header.b is written unquoted by OpenDKIM and the large mailbox providers, and A-R
// readers expect it so; our parser takes it either way.
bool is_base64_word(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_alnum(c) && c != '+' && c != '/' && c != '=') return false;
  return true;
}

// RFC 8601 §2.2 pvalue: a token, an address, or (see above) base64 text, else quoted.
bool is_bare_pvalue(std::string_view s) {
  return mail::is_token(s) || is_address(s) || is_base64_word(s);
}

// The words of the value, in order; the field may fold before any of them. ';' and
// the comment's parentheses stick to their words.
mail::FieldWords words(const AuthenticationResults& ar) {
  mail::FieldWords w;
  // authserv-id is an RFC 2045 value: a token or a quoted-string, nothing else.
  w.add(mail::quote_value(ar.authserv_id, mail::is_token));
  if (ar.version) w.add(std::to_string(*ar.version));
  w.append(";");
  if (ar.results.empty()) {
    w.add("none");
    return w;
  }
  for (size_t i = 0; i < ar.results.size(); ++i) {
    const ResultInfo& r = ar.results[i];
    w.add(r.method + "=" + r.result);
    if (!r.comment.empty()) w.add_comment(r.comment);
    if (!r.reason.empty()) w.add("reason=" + mail::quoted_string(r.reason));
    for (const Property& p : r.properties)
      w.add(p.ptype + "." + p.property + "=" + mail::quote_value(p.value, is_bare_pvalue));
    if (i + 1 < ar.results.size()) w.append(";");
  }
  return w;
}

// A cursor over a field value with RFC 8601's lexical pieces.
class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[pos_]; }
  bool take(char c) {
    if (peek() != c || at_end()) return false;
    ++pos_;
    return true;
  }

  // Skips FWS and comments; the text of the first comment goes to *comment when that is
  // given and still empty. A malformed comment ends the input and sets error().
  void skip_cfws(std::string* comment = nullptr) {
    while (!at_end()) {
      if (is_wsp(s_[pos_])) {
        ++pos_;
      } else if (s_[pos_] == '(') {
        std::string text;
        int depth = 0;
        do {
          if (at_end()) return fail("unterminated comment");
          char c = s_[pos_++];
          if (c == '\\' && !at_end()) {
            text += s_[pos_++];
            continue;
          }
          if (c == '(' && ++depth > kMaxCommentDepth) return fail("comments nested too deeply");
          if (c == ')') --depth;
          if (depth > 1 || (depth == 1 && c != '(')) text += c;
        } while (depth > 0);
        if (comment && comment->empty()) *comment = text;
      } else {
        break;
      }
    }
  }

  /// Empty unless a lexical error stopped the input.
  const std::string& error() const { return error_; }

  // RFC 8601 Keyword (an ldh-str; '_' tolerated).
  std::string_view keyword() {
    return run([](char c) { return is_alnum(c) || c == '-' || c == '_'; });
  }

  // RFC 2045 value: token or quoted-string.
  Result<std::string> value() {
    if (peek() == '"') return quoted_string();
    std::string_view t = run([](char c) {
      return !is_ctl(c) && c != ' ' && static_cast<unsigned char>(c) <= 0x7e && !is_tspecial(c);
    });
    if (t.empty()) return Error{"expected a value"};
    return std::string(t);
  }

  // RFC 8601 pvalue: a value, or [local-part] "@" domain; read leniently as anything up
  // to white space, ';' or a comment (base64 header.b values carry '/', '+' and '=').
  Result<std::string> pvalue() {
    if (peek() == '"') return quoted_string();
    std::string_view t = run([](char c) {
      return !is_ctl(c) && c != ' ' && c != ';' && c != '(' && c != ')' && c != '"';
    });
    if (t.empty()) return Error{"expected a property value"};
    return std::string(t);
  }

 private:
  template <class Pred>
  std::string_view run(Pred ok) {
    size_t start = pos_;
    while (!at_end() && ok(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }

  Result<std::string> quoted_string() {
    std::string out;
    ++pos_;
    while (!at_end()) {
      char c = s_[pos_++];
      if (c == '"') return out;
      if (c == '\\' && !at_end()) c = s_[pos_++];
      if (c != '\r' && c != '\n') out += c;
    }
    return Error{"unterminated quoted string"};
  }

  void fail(std::string why) {
    error_ = std::move(why);
    pos_ = s_.size();
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string error_;
};

Result<ResultInfo> parse_resinfo(Lexer& lx) {
  ResultInfo info;
  info.method = ascii_lower(lx.keyword());
  if (info.method.empty()) return Error{"expected a method"};
  lx.skip_cfws();
  if (lx.take('/')) {  // method-version
    lx.skip_cfws();
    if (lx.keyword().empty()) return Error{"expected a method version"};
    lx.skip_cfws();
  }
  if (!lx.take('=')) return Error{"expected '=' after method " + info.method};
  lx.skip_cfws();
  info.result = ascii_lower(lx.keyword());
  if (info.result.empty()) return Error{"expected a result for method " + info.method};
  lx.skip_cfws(&info.comment);
  while (!lx.at_end() && lx.peek() != ';') {
    std::string ptype = ascii_lower(lx.keyword());
    if (ptype.empty()) return Error{"unexpected character in result of " + info.method};
    lx.skip_cfws();
    if (ptype == "reason" && lx.take('=')) {
      lx.skip_cfws();
      auto v = lx.value();
      if (!v.ok()) return Error{"reason: " + v.message()};
      info.reason = std::move(v).value();
      lx.skip_cfws(&info.comment);
      continue;
    }
    Property p;
    p.ptype = ptype;
    if (!lx.take('.')) return Error{"expected '.' after " + ptype};
    lx.skip_cfws();
    p.property = ascii_lower(lx.keyword());
    if (p.property.empty()) return Error{"expected a property after " + ptype + "."};
    lx.skip_cfws();
    if (!lx.take('=')) return Error{"expected '=' after " + ptype + "." + p.property};
    lx.skip_cfws();
    auto v = lx.pvalue();
    if (!v.ok()) return Error{ptype + "." + p.property + ": " + v.message()};
    p.value = std::move(v).value();
    lx.skip_cfws(&info.comment);
    if (info.properties.size() >= kMaxProperties) return Error{"too many properties"};
    info.properties.push_back(std::move(p));
  }
  return info;
}

}  // namespace

std::string format_value(const AuthenticationResults& ar) { return words(ar).line(); }

std::string format_field(const AuthenticationResults& ar, std::string_view eol) {
  return words(ar).folded("Authentication-Results", eol);
}

ResultInfo dmarc_resinfo(const dmarc::Evaluation& e) {
  ResultInfo ri{"dmarc", std::string(dmarc::to_string(e.result)), "", "", {}};
  if (e.record) {
    ri.comment = e.policy_tag + "=" + std::string(dmarc::to_string(e.policy));
    if (e.record->testing) ri.comment += " t=y";
  }
  // RFC 8601 registers no property for a local override (RFC 9990 §3.1.6), so its type
  // goes into the comment; policy.dmarc says what is applied after it (RFC 9989 §9.1).
  if (!e.override_reason.empty())
    ri.comment +=
        (ri.comment.empty() ? "" : " ") + std::string("override=") + e.override_reason;
  ri.properties.push_back(Property{"header", "from", e.author_domain});
  if (e.result == dmarc::Result::kFail)
    ri.properties.push_back(
        Property{"policy", "dmarc", std::string(dmarc::to_string(e.applied))});
  return ri;
}

ResultInfo dkim_resinfo(const dkim::SignatureResult& r) {
  ResultInfo info;
  info.method = "dkim";
  info.result = std::string(dkim::to_string(r.verdict));
  std::vector<std::string> notes;
  if (!r.reason.empty()) notes.push_back(r.reason);
  if (r.tags_best_effort)
    notes.push_back("d= and s= read best-effort from an invalid tag list");
  if (r.testing) notes.push_back("t=y: key in testing mode");
  if (r.body_limit)
    notes.push_back("l=" + std::to_string(*r.body_limit) + " of " +
                    std::to_string(r.body_length) + " body bytes signed");
  // Joined with commas: readers that split the field at ';' must not cut a resinfo.
  for (const auto& n : notes) info.comment += (info.comment.empty() ? "" : ", ") + n;
  auto add = [&](const char* property, const std::string& value) {
    if (!value.empty()) info.properties.push_back(Property{"header", property, value});
  };
  add("d", r.domain);
  add("i", r.identity);
  add("s", r.selector);
  add("a", r.algorithm);
  add("b", r.b_prefix);
  return info;
}

Result<std::string> parse_authserv_id(std::string_view value) {
  if (value.size() > kMaxFieldSize) return Error{"field longer than 64 KiB"};
  Lexer lx(value);
  lx.skip_cfws();
  auto id = lx.value();
  if (!id.ok()) return Error{"no authserv-id"};
  return id;
}

Result<AuthenticationResults> parse(std::string_view value) {
  if (value.size() > kMaxFieldSize) return Error{"field longer than 64 KiB"};
  AuthenticationResults ar;
  Lexer lx(value);
  lx.skip_cfws();
  auto id = lx.value();
  if (!id.ok()) return Error{"no authserv-id"};
  ar.authserv_id = std::move(id).value();
  lx.skip_cfws();
  if (lx.peek() >= '0' && lx.peek() <= '9') {
    std::string_view digits = lx.keyword();
    if (digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string_view::npos)
      return Error{"malformed version"};
    ar.version = static_cast<unsigned>(std::stoul(std::string(digits)));
    lx.skip_cfws();
  }
  bool none = false;
  while (!lx.at_end()) {
    if (!lx.take(';')) return Error{"expected ';'"};
    lx.skip_cfws();
    if (lx.at_end()) break;  // a trailing ';' is tolerated
    Lexer probe = lx;
    bool is_none = mail::iequals(probe.keyword(), "none");
    probe.skip_cfws();
    if (is_none && probe.at_end() && probe.error().empty()) {
      // §2.2 no-result: "; none", on its own.
      if (!ar.results.empty()) return Error{"\"none\" after results"};
      none = true;
      break;
    }
    auto info = parse_resinfo(lx);
    if (!lx.error().empty()) return Error{lx.error()};
    if (!info.ok()) return Error{info.message()};
    if (ar.results.size() >= kMaxResults) return Error{"too many results"};
    ar.results.push_back(std::move(info).value());
  }
  if (!lx.error().empty()) return Error{lx.error()};
  if (!none && ar.results.empty()) return Error{"no results and no \"none\""};
  return ar;
}

std::vector<size_t> fields_claiming(const std::vector<mail::HeaderField>& fields,
                                    std::string_view authserv_id) {
  std::vector<size_t> out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!mail::iequals(fields[i].name(), "Authentication-Results")) continue;
    auto id = parse_authserv_id(fields[i].value());
    if (id.ok() && mail::iequals(*id, authserv_id)) out.push_back(i);
  }
  return out;
}

}  // namespace postseal::authres
