/// \file
/// Sorting the records of a DMARC aggregate report (report_reader.h) by what the
/// domain's admin does about them: a forwarder, a relay that sends unsigned as the
/// domain, Amazon SES without a custom MAIL FROM, a third party that signs with its
/// own domain, mail that passes on SPF alone, spoofing. Alignment terms are RFC 9989's
/// (§4.4 identifier alignment, §4.4.1 DKIM, §4.4.2 SPF); the aligned results come from
/// the reporter's policy_evaluated (RFC 9990 §3.1.1.9). Pure; thread-safe.
#ifndef POSTSEAL_HISTORY_REPORT_TRIAGE_H
#define POSTSEAL_HISTORY_REPORT_TRIAGE_H

#include <string_view>

#include "history/report_reader.h"

namespace postseal::history {

/// The groups, in the order the rules are tried (the first that matches wins).
enum class SourceGroup {
  kForwarder,       ///< SPF fail/softfail but a DKIM signature passes
  kAligned,         ///< DKIM passes aligned: DMARC passes, nothing to do
  kSpfOnly,         ///< SPF passes aligned, no aligned DKIM: passes, but forwarding breaks it
  kSesNoMailFrom,   ///< SPF passes for amazonses.com, not aligned, no aligned DKIM
  kUnsignedRelay,   ///< no passing DKIM, SPF passes for the relay's own domain
  kOtherSigner,     ///< a passing DKIM signature of another domain only, SPF not aligned
  kUnauthenticated  ///< nothing passes: spoofing, or a sender of yours not set up at all
};

/// Which group a record is in, from its policy_evaluated and auth_results. Never throws.
SourceGroup classify(const ReadRecord& r);

/// "forwarder", "aligned", "spf-only", "ses-no-custom-mail-from", "unsigned-relay",
/// "other-signer", "unauthenticated".
std::string_view to_string(SourceGroup g);

/// One sentence: what the group is and what the admin does about it.
std::string_view advice(SourceGroup g);

/// Whether the record's mail failed DMARC: neither DKIM nor SPF passed aligned (RFC 9989
/// §4.4), as the reporter evaluated it. Never throws.
bool fails_dmarc(const ReadRecord& r);

}  // namespace postseal::history

#endif  // POSTSEAL_HISTORY_REPORT_TRIAGE_H
