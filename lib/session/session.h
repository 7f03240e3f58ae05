/// \file
/// The message session: one object that takes a message's bytes once (push-style,
/// feed() ... finish(), like mail::MessageParser) and produces every verdict about it.
/// It owns the spool (memory up to a threshold, then an unlinked file), the header
/// parser, and, as the plan asks, a dkim::Signer and a dkim::Verifier fed from the same
/// chunks, so the body is read once whatever runs on it. Afterwards it holds the
/// verdicts, a disposition that each front end maps to its own answer (pipe: exit 0 or
/// 75; SMTP: 250 or 451; the tool: its exit codes), and writes the message out with its
/// header block rewritten: new fields on top (DKIM-Signature, Authentication-Results),
/// Authentication-Results fields that claim our authserv-id removed (RFC 8601 §5), the
/// body copied through untouched. One Session per message; not thread-safe. A Setup is
/// shared read-only by any number of sessions.
#ifndef POSTSEAL_SESSION_SESSION_H
#define POSTSEAL_SESSION_SESSION_H

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authres/authres.h"
#include "config/host_list.h"
#include "config/key_store.h"
#include "dkim/signer.h"
#include "dkim/verifier.h"
#include "dmarc/evaluate.h"
#include "dmarc/override.h"
#include "dns/limited_resolver.h"
#include "dns/resolver.h"
#include "mail/message_parser.h"
#include "session/spf_input.h"
#include "session/spool.h"

namespace postseal::spf {
class Checker;
}

namespace postseal::session {

/// What the filter does with a message (the `mode` option), as OpenDKIM's Mode s, v, sv.
enum class Mode {
  kSign,    ///< sign (only mail from internal clients when internal-hosts is set)
  kVerify,  ///< verify every message
  kAuto,    ///< sign mail from internal clients and SASL users, verify the rest
};

/// "sign", "verify", "auto" (any case); nullopt otherwise.
std::optional<Mode> parse_mode(std::string_view word);

/// Who handed the message over (pipe(8)'s ${client_address} etc., or XFORWARD).
struct Client {
  std::string address;  ///< empty: a local submission (sendmail, no SMTP client)
  std::string hostname;
  std::string sasl_username;
  std::string helo;    ///< for SPF when no trusted Received-SPF is there
  std::string sender;  ///< MAIL FROM; empty for the null sender
};

/// How new signatures are made, apart from the keys.
struct SignOptions {
  dkim::Canon header_canon = dkim::Canon::kRelaxed;
  dkim::Canon body_canon = dkim::Canon::kRelaxed;
  dkim::HeaderPolicy policy = dkim::HeaderPolicy::defaults();
  std::optional<std::string> identity;
  std::optional<int64_t> expire_after;
  bool body_length = false;
};

/// Chooses the signing keys for an author address (empty: not ours).
using KeyChooser = std::function<std::vector<config::SigningKey>(const std::string& author)>;

/// Everything that outlives one message: built once per configuration, read-only.
struct Setup {
  Mode mode = Mode::kSign;
  KeyChooser keys;                  ///< unset: nothing is signed
  config::HostList internal_hosts;  ///< see plan_for()
  SignOptions sign;
  bool tempfail_unsignable = false;   ///< sign-failure-action = tempfail
  std::string authserv_id;            ///< ours, for Authentication-Results
  dns::Resolver* resolver = nullptr;  ///< DKIM keys; must be set when anything is verified
  dkim::VerifyOptions verify;
  bool dmarc = false;  ///< evaluate DMARC (RFC 9989) when verifying
  /// Forwarders and lists exempted from a failing message's disposition (dmarc-override-*).
  dmarc::Overrides dmarc_overrides;
  /// The receiver= of the Received-SPF fields postseal-policyd writes for us: only those
  /// (above the first Received field) are believed.
  std::string receiver;
  /// Computes SPF for DMARC when no trusted field carries it (may be null: then SPF is
  /// "none" for such mail).
  spf::Checker* spf = nullptr;
  /// max-header-fields, header-field-size-limit, header-size-limit.
  mail::ParseLimits limits;
  /// dns-lookup-limit, message-time-limit: every lookup a message makes (DKIM keys, the
  /// DMARC walk, SPF) goes through one dns::LimitedResolver with these.
  dns::LimitedResolver::Limits dns_limits;
  /// Refuse (Disposition::kReject, 550 5.7.1) a message that fails DMARC when the policy
  /// in force asks for reject after t= (RFC 9989 §5.8): only where the client still waits
  /// for the answer (the before-queue daemon), never after the queue (no backscatter).
  bool reject_dmarc = false;
  /// With reject_dmarc: also refuse a message whose Author Domain cannot be determined
  /// because it has several From fields or From mailboxes of several domains
  /// (reject-multiple-from; RFC 9989 §5.3 leaves such a message to local policy).
  bool reject_multiple_from = false;
  size_t spool_memory = 256 * 1024;  ///< bytes kept in memory before the spool file
  std::string spool_dir;             ///< $TMPDIR or /tmp when empty
};

/// What one session does.
struct Plan {
  bool sign = false;
  bool verify = false;
  std::string reason;  ///< why neither, for the log ("client 192.0.2.1 is not internal")
  Client client;       ///< the envelope, for SPF and DMARC
};

/// The plan for a message from `client`. A client is internal when it authenticated
/// (SASL), submitted locally (no address), or matches internal-hosts; with internal-hosts
/// empty, mode sign treats every client as internal (today's signing filter) and mode
/// auto only loopback clients. sign: internal clients' mail is signed, other mail passed
/// on untouched; verify: everything is verified; auto: internal signed, the rest verified.
/// Never fails.
Plan plan_for(const Setup& setup, const Client& client);

/// What the front end does with the message.
enum class Disposition {
  kAccept,    ///< pass it on as write_to() gives it (pipe exit 0, SMTP 250)
  kTempFail,  ///< keep it and retry later (pipe exit 75, SMTP 451 4.x.x)
  kReject,    ///< refuse it while the client waits (SMTP 550 5.7.1); only with reject_dmarc
};

/// What happened to signing.
struct SignVerdict {
  enum class Kind {
    kNotAsked,    ///< the plan did not sign
    kSigned,      ///< signatures made (keys)
    kNotOurs,     ///< no key for the author: passed on unsigned
    kUnsignable,  ///< no From, several From, a malformed header, an unusable key spec
  };
  Kind kind = Kind::kNotAsked;
  std::string reason;  ///< why not signed
  std::vector<config::SigningKey> keys;
};

/// This message's verdicts.
struct Verdicts {
  std::string author;  ///< the From address, when there was exactly one
  SignVerdict sign;
  bool verified = false;                    ///< DKIM was checked (dkim holds the results)
  std::vector<dkim::SignatureResult> dkim;  ///< one per DKIM-Signature, top down
  size_t forged_removed = 0;     ///< Authentication-Results fields with our id removed
  std::optional<SpfResult> spf;  ///< the SPF result DMARC used (trusted field or computed)
  bool spf_computed = false;     ///< computed here, not read from postseal-policyd's field
  std::optional<dmarc::Evaluation> dmarc;  ///< when Setup::dmarc and a From was read
  std::string dmarc_error;                 ///< why DMARC could not be evaluated
  std::string header_error;  ///< why the header block could not be read (then unchanged)
  size_t dns_refused = 0;    ///< lookups not made (dns-lookup-limit, message-time-limit)
  std::string dns_limit;     ///< the limit that refused the last of them
};

class Session {
 public:
  /// `setup` must outlive the session; `now` is seconds since the epoch (t=, x=).
  Session(const Setup& setup, Plan plan, int64_t now);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Takes the next bytes of the message, in any chunks. Never throws: a spool error
  /// makes the disposition kTempFail and the rest of the input is ignored.
  void feed(std::string_view data);

  /// Ends the message: signs, looks up keys and verifies. Never throws. Call once.
  void finish();

  const Plan& plan() const { return plan_; }
  const Verdicts& verdicts() const { return verdicts_; }
  Disposition disposition() const { return disposition_; }
  /// Why kTempFail or kReject (for the reply text and the log); empty for kAccept.
  const std::string& disposition_reason() const { return reason_; }
  /// The RFC 3463 code that goes with a kTempFail: 4.3.0 for our own trouble, 4.7.0
  /// for a message that must be signed and cannot be; 5.7.1 with kReject.
  const std::string& status_code() const { return status_code_; }

  /// The fields put on top of the message, each with the message's line ending.
  const std::string& added_fields() const { return added_; }

  /// Writes the message as it goes on: added_fields(), the received header fields
  /// less the removed ones, the empty line, the body exactly as received. Only after
  /// finish() with kAccept. Throws TempFailure when the spool cannot be read.
  void write_to(const std::function<void(std::string_view)>& out) const;

 private:
  void start();
  void fail(std::string code, std::string reason);
  void finish_sign();
  void finish_verify();
  void evaluate_dmarc(authres::AuthenticationResults& ar);

  const Setup& setup_;
  Plan plan_;
  int64_t now_;
  Spool spool_;
  mail::MessageParser parser_;
  std::optional<dkim::Signer> signer_;
  std::optional<dns::LimitedResolver> lookups_;  // setup_.resolver under dns_limits
  std::optional<dkim::Verifier> verifier_;
  Verdicts verdicts_;
  Disposition disposition_ = Disposition::kAccept;
  std::string reason_;
  std::string status_code_;
  std::string added_;
  std::vector<bool> removed_;  // per received header field
  uint64_t body_offset_ = 0;   // where the body starts in the spool
  bool failed_ = false;        // spool trouble: input ignored
  bool finished_ = false;
};

}  // namespace postseal::session

#endif  // POSTSEAL_SESSION_SESSION_H
