// What an mbox entry says beyond the message itself: the "From " line and
// the flag headers mbox readers understand. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mailhoard::mbox {

// The envelope sender for the "From " line: the address in Return-Path
// (what the delivering MTA recorded), else the first address in From, else
// "MAILER-DAEMON" (also for the null sender "<>", as sendmail writes bounces).
// `header_block` is the message's header (it may be cut short); an address
// with blanks or control characters is not used, since readers split the
// "From " line at blanks.
std::string EnvelopeSender(std::string_view header_block);

// "From <sender> Thu Nov 27 05:23:00 2026": RFC 4155's asctime() date, UTC.
std::string FromLine(std::string_view sender, int64_t unix_seconds);

// The flag headers Dovecot's mbox writes (mutt reads Status and X-Status A/F/D), from the archive's
// Maildir flag letters (S seen, R answered, F flagged, D draft, T deleted; P has no mbox header)
// and its space-separated keywords:
//   Status: RO      R when seen; O always (archived mail is not \Recent)
//   X-Status: AFTD  A answered, F flagged, T draft, D deleted (only if any)
//   X-Keywords: a b the keywords (only if any)
std::vector<std::string> FlagHeaders(std::string_view maildir_flags, std::string_view keywords);

// The names of the fields FlagHeaders writes: the message's own copies are
// replaced, never doubled.
std::vector<std::string> FlagHeaderNames();

}  // namespace mailhoard::mbox
