/// \file
/// Grouping report records by what the admin does about them (see report_triage.h).
#include "history/report_triage.h"

#include <algorithm>

namespace postseal::history {

namespace {

bool any_dkim_pass(const ReadRecord& r) {
  return std::any_of(r.dkim.begin(), r.dkim.end(),
                     [](const ReadDkim& d) { return d.result == "pass"; });
}

// The SPF result the reporter used for DMARC: the mfrom one (RFC 9989 §4.4.2 aligns the
// MAIL FROM identity), else the first (older reports omit the scope).
const ReadSpf* spf_of(const ReadRecord& r) {
  for (const auto& s : r.spf)
    if (s.scope == "mfrom") return &s;
  return r.spf.empty() ? nullptr : &r.spf.front();
}

bool under(std::string_view domain, std::string_view parent) {
  return domain == parent || (domain.size() > parent.size() && domain.ends_with(parent) &&
                              domain[domain.size() - parent.size() - 1] == '.');
}

}  // namespace

bool fails_dmarc(const ReadRecord& r) {
  return r.dkim_aligned != "pass" && r.spf_aligned != "pass";
}

SourceGroup classify(const ReadRecord& r) {
  const ReadSpf* spf = spf_of(r);
  const std::string spf_result = spf ? spf->result : "none";
  // A forwarder relays the message unchanged from an address the author's SPF record
  // does not list, so SPF fails there (RFC 7208 §1.2.3 "forwarding"), while a DKIM
  // signature survives it (RFC 6376 §1.2) — the author's own (aligned: DMARC passes) or
  // one the forwarder added. This is the case DMARC relies on DKIM for.
  if ((spf_result == "fail" || spf_result == "softfail") && any_dkim_pass(r))
    return SourceGroup::kForwarder;
  // DKIM passes for a domain aligned with the From domain (RFC 9989 §4.4.1).
  if (r.dkim_aligned == "pass") return SourceGroup::kAligned;
  // SPF passes aligned (RFC 9989 §4.4.2) but no aligned signature: DMARC passes today,
  // and fails as soon as someone forwards the mail. Sign it.
  if (r.spf_aligned == "pass") return SourceGroup::kSpfOnly;
  // Amazon SES uses its own MAIL FROM (a subdomain of amazonses.com) unless the sender
  // sets a custom MAIL FROM domain: SPF passes for amazonses.com, which is not aligned.
  if (spf_result == "pass" && spf && under(spf->domain, "amazonses.com"))
    return SourceGroup::kSesNoMailFrom;
  // A relay that is authorized for its own envelope domain (SPF pass, not aligned) but
  // does not sign with the author's domain (DKIM none or fail): a mail service, a
  // hosted application, a smarthost of a partner sending as the domain.
  if (spf_result == "pass" && !any_dkim_pass(r)) return SourceGroup::kUnsignedRelay;
  // Some signature verifies, but for another domain (a mailing list, a provider signing
  // with its own d=): configure it to sign with the author's domain.
  if (any_dkim_pass(r)) return SourceGroup::kOtherSigner;
  return SourceGroup::kUnauthenticated;
}

std::string_view to_string(SourceGroup g) {
  switch (g) {
    case SourceGroup::kForwarder:
      return "forwarder";
    case SourceGroup::kAligned:
      return "aligned";
    case SourceGroup::kSpfOnly:
      return "spf-only";
    case SourceGroup::kSesNoMailFrom:
      return "ses-no-custom-mail-from";
    case SourceGroup::kUnsignedRelay:
      return "unsigned-relay";
    case SourceGroup::kOtherSigner:
      return "other-signer";
    case SourceGroup::kUnauthenticated:
      return "unauthenticated";
  }
  return "unauthenticated";
}

std::string_view advice(SourceGroup g) {
  switch (g) {
    case SourceGroup::kForwarder:
      return "forwarded mail: SPF fails at the forwarder, a DKIM signature survived; "
             "nothing to fix when it is your own (aligned), otherwise keep signing "
             "everything so forwarded mail passes on DKIM";
    case SourceGroup::kAligned:
      return "passes DMARC on aligned DKIM: nothing to do";
    case SourceGroup::kSpfOnly:
      return "passes DMARC on SPF alone: sign this mail with your domain (d=), or it "
             "fails once forwarded";
    case SourceGroup::kSesNoMailFrom:
      return "Amazon SES without a custom MAIL FROM domain: set one under your domain "
             "in SES and publish Easy DKIM for it (its CNAMEs), so SPF or DKIM aligns";
    case SourceGroup::kUnsignedRelay:
      return "a relay authorized for its own envelope domain sends as you without a "
             "signature: have it sign with your domain, or send through your own servers";
    case SourceGroup::kOtherSigner:
      return "signed, but by another domain (a list or a provider's own d=): have it "
             "sign with your domain";
    case SourceGroup::kUnauthenticated:
      return "neither SPF nor DKIM passes: if the source is yours, add it to SPF and "
             "sign its mail; if not, it is spoofing, which p=reject stops";
  }
  return "";
}

}  // namespace postseal::history
