/// \file
/// The signing pipeline shared by `postseal sign` and postseal-filter: reads a message
/// from a descriptor, copies every byte to an unlinked spool file while the body streams
/// through the hashes, chooses keys by the author address, and writes the signature
/// fields followed by the untouched message. Memory stays constant for any message size
/// (the header block is bounded by ParseLimits). A message that cannot be signed is still
/// written out whole, unchanged. One pipeline per message; not thread-safe.
#ifndef POSTSEAL_IO_SIGN_PIPELINE_H
#define POSTSEAL_IO_SIGN_PIPELINE_H

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/key_store.h"
#include "dkim/signer.h"
#include "util/unique_fd.h"

namespace postseal::io {

/// How to sign, apart from the keys.
struct SignOptions {
  dkim::Canon header_canon = dkim::Canon::kRelaxed;
  dkim::Canon body_canon = dkim::Canon::kRelaxed;
  dkim::HeaderPolicy policy = dkim::HeaderPolicy::defaults();
  std::optional<std::string> identity;
  std::optional<int64_t> expire_after;
  bool body_length = false;
  int64_t now = 0;
};

/// What happened to one message.
struct SignOutcome {
  enum class Kind {
    kSigned,      ///< signatures made
    kNotOurs,     ///< no key for the author: passed on unsigned
    kUnsignable,  ///< no From, several From, malformed header: passed on unsigned
  };
  Kind kind = Kind::kUnsignable;
  std::string reason;  ///< why not signed
  std::string author;  ///< the From address, when there was exactly one
  std::vector<config::SigningKey> keys;  ///< the keys that signed
};

/// Chooses the keys for an author address (empty: not ours).
using KeyChooser = std::function<std::vector<config::SigningKey>(const std::string& author)>;

class SignPipeline {
 public:
  /// `spool_dir` is where the unlinked spool file goes ($TMPDIR or /tmp when empty).
  SignPipeline(KeyChooser choose, SignOptions options, std::string spool_dir = {});

  /// Reads the whole message from `in` and signs it if it can. Throws TempFailure on an
  /// I/O error (read, spool) or when a key will not sign; never for bad message content.
  SignOutcome run(int in);

  /// Writes the signature fields (if any) and then the message exactly as read. Throws
  /// TempFailure on an I/O error. Call once, after run().
  void write_to(int out);

 private:
  KeyChooser choose_;
  SignOptions options_;
  std::string spool_dir_;
  UniqueFd spool_;
  std::string signatures_;
};

/// Writes all of `data` to `fd`, retrying on EINTR. Throws TempFailure naming `what`.
void write_all(int fd, std::string_view data, const std::string& what);

}  // namespace postseal::io

#endif  // POSTSEAL_IO_SIGN_PIPELINE_H
