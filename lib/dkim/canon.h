/// \file
/// DKIM canonicalization, RFC 6376 §3.4: "simple" and "relaxed" for header fields and
/// for the body. Input may be LF-only (as Postfix's pipe(8) delivers) or CRLF; each LF
/// not preceded by CR is treated as the CRLF that goes on the wire. The body
/// canonicalizer is a stream: it holds only a count of pending empty lines and at most
/// one pending CR and whitespace run, so memory does not grow with the body. Pure; one
/// BodyCanonicalizer per body, not thread-safe.
#ifndef POSTSEAL_DKIM_CANON_H
#define POSTSEAL_DKIM_CANON_H

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace postseal::dkim {

enum class Canon { kSimple, kRelaxed };

/// "simple" or "relaxed" (case-insensitive) to a Canon; nullopt otherwise.
std::optional<Canon> parse_canon(std::string_view word);
std::string_view to_string(Canon c);

/// Parses a c= value ("relaxed/simple", "relaxed" meaning relaxed/simple per §3.5).
/// Returns nullopt when a part is not a known canonicalization.
std::optional<std::pair<Canon, Canon>> parse_canon_pair(std::string_view value);

/// Appends the canonical form of one header field (name, colon, value, CRLF) to `out`.
/// `raw` is the field as received, including its final line ending if any.
/// RFC 6376 §3.4.1 (simple) and §3.4.2 (relaxed).
void canonicalize_header(std::string_view raw, Canon c, std::string& out);

/// Streaming body canonicalization, RFC 6376 §3.4.3 (simple) and §3.4.4 (relaxed).
/// Canonical bytes go to the sink in pieces: at most kChunk bytes are buffered, and a
/// run of at least kDirect input bytes that canonicalization leaves as it is goes to
/// the sink as a view of the input, uncopied. So memory is constant whatever the body:
/// neither long runs of empty lines nor huge lines make it grow.
class BodyCanonicalizer {
 public:
  using Sink = std::function<void(std::string_view)>;
  static constexpr size_t kChunk = 64 * 1024;
  static constexpr size_t kDirect = 4 * 1024;

  BodyCanonicalizer(Canon c, Sink sink);

  /// Consumes body bytes; passes every canonical byte they complete to the sink before
  /// returning. Never fails.
  void feed(std::string_view data);
  /// Ends the body: passes what is still pending (the final CRLF rules). Never fails.
  void finish();

 private:
  template <bool kRelaxed>
  void feed_lines(const char* p, const char* end);
  template <bool kRelaxed>
  const char* copy_run(const char* p, const char* end);
  void put(const char* s, size_t n);  // a few bytes: a line ending, a SP, a CR
  void flush();
  void begin_content();
  void end_line();

  Canon canon_;
  Sink sink_;
  std::unique_ptr<char[]> buf_;  // kChunk bytes, the first used_ of them not yet sunk
  size_t used_ = 0;
  uint64_t empty_lines_ = 0;  // complete empty lines not yet emitted (maybe trailing)
  bool line_has_content_ = false;
  bool pending_cr_ = false;   // a CR at the end of the input so far: may start a CRLF
  bool pending_wsp_ = false;  // relaxed: a whitespace run not yet emitted
  bool any_content_ = false;  // anything other than empty lines seen
};

}  // namespace postseal::dkim

#endif  // POSTSEAL_DKIM_CANON_H
