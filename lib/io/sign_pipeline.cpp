/// \file
/// The spool-and-sign pipeline.
#include "io/sign_pipeline.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "mail/address.h"
#include "mail/message_parser.h"
#include "util/errors.h"

namespace postseal::io {
namespace {

constexpr size_t kBlock = 64 * 1024;

std::string errno_text() { return std::strerror(errno); }

ssize_t read_some(int fd, char* buf, size_t n) {
  while (true) {
    ssize_t r = ::read(fd, buf, n);
    if (r >= 0 || errno != EINTR) return r;
  }
}

}  // namespace

void write_all(int fd, std::string_view data, const std::string& what) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw TempFailure("write " + what + ": " + errno_text());
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

SignPipeline::SignPipeline(KeyChooser choose, SignOptions options, std::string spool_dir)
    : choose_(std::move(choose)), options_(std::move(options)), spool_dir_(std::move(spool_dir)) {
  if (spool_dir_.empty()) {
    const char* t = std::getenv("TMPDIR");
    spool_dir_ = t && *t ? t : "/tmp";
  }
}

SignOutcome SignPipeline::run(int in) {
  std::string path = spool_dir_ + "/postseal.XXXXXX";
  spool_.reset(::mkstemp(path.data()));
  if (!spool_) throw TempFailure("cannot create a spool file in " + spool_dir_ + ": " + errno_text());
  ::unlink(path.c_str());

  // Every byte goes to the spool as read, so whatever happens below the message can be
  // passed on exactly as it came ("instead of throwing away mail, pass it on").
  SignOutcome out;
  mail::MessageParser parser;
  std::string buf(kBlock, '\0');
  std::optional<dkim::Signer> signer;
  bool parse_failed = false;
  bool decided = false;

  auto decide = [&]() {
    decided = true;
    size_t froms = mail::count_fields(parser.headers(), "From");
    if (froms != 1) {
      out.reason = froms == 0 ? "no From header field" : "more than one From header field";
      return;
    }
    auto author = mail::single_author(mail::find_field(parser.headers(), "From")->value());
    if (!author.ok()) {
      out.reason = author.message();
      return;
    }
    out.author = *author;
    out.keys = choose_(*author);
    if (out.keys.empty()) {
      out.kind = SignOutcome::Kind::kNotOurs;
      out.reason = "no key for the author domain";
      return;
    }
    std::vector<dkim::SignatureSpec> specs;
    for (const auto& k : out.keys) {
      dkim::SignatureSpec s;
      s.domain = k.domain;
      s.selector = k.selector;
      s.key = k.key;
      s.header_canon = options_.header_canon;
      s.body_canon = options_.body_canon;
      s.identity = options_.identity;
      s.expire_after = options_.expire_after;
      s.body_length = options_.body_length;
      if (Status st = dkim::validate_spec(s); !st.ok()) {
        out.reason = st.message();
        out.keys.clear();
        return;
      }
      specs.push_back(std::move(s));
    }
    signer.emplace(std::move(specs), options_.policy, options_.now);
  };

  while (true) {
    ssize_t n = read_some(in, buf.data(), buf.size());
    if (n < 0) throw TempFailure("read message: " + errno_text());
    if (n == 0) break;
    std::string_view chunk(buf.data(), static_cast<size_t>(n));
    write_all(spool_.get(), chunk, "spool file");
    if (parse_failed) continue;
    if (parser.headers_done()) {
      if (signer) signer->feed_body(chunk);
      continue;
    }
    auto body = parser.feed(chunk);
    if (!body.ok()) {
      parse_failed = true;
      out.reason = body.message();
      continue;
    }
    if (parser.headers_done()) {
      decide();
      if (signer) signer->feed_body(*body);
    }
  }
  if (!parse_failed && !parser.headers_done()) {
    if (Status st = parser.finish(); !st.ok()) {
      parse_failed = true;
      out.reason = st.message();
    } else {
      decide();
    }
  }
  if (parse_failed || !signer) {
    if (out.kind != SignOutcome::Kind::kNotOurs) out.kind = SignOutcome::Kind::kUnsignable;
    out.keys.clear();
    return out;
  }
  auto sigs = signer->finish(parser.headers(), parser.line_ending());
  if (!sigs.ok()) {
    // The checks above make this a key or OpenSSL failure: worth a retry, not a pass.
    throw TempFailure("signing failed: " + sigs.message());
  }
  for (const auto& s : *sigs) signatures_ += s;
  out.kind = SignOutcome::Kind::kSigned;
  return out;
}

void SignPipeline::write_to(int out) {
  write_all(out, signatures_, "output");
  if (::lseek(spool_.get(), 0, SEEK_SET) < 0) throw TempFailure("seek spool file: " + errno_text());
  std::string buf(kBlock, '\0');
  while (true) {
    ssize_t n = read_some(spool_.get(), buf.data(), buf.size());
    if (n < 0) throw TempFailure("read spool file: " + errno_text());
    if (n == 0) break;
    write_all(out, std::string_view(buf.data(), static_cast<size_t>(n)), "output");
  }
}

}  // namespace postseal::io
