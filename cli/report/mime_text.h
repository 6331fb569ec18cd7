// The few pieces of RFC 5322 / MIME a plain-text report needs, as pure
// functions: an RFC 2047 encoded subject, quoted-printable UTF-8 bodies,
// the Date header.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mailhoard::cli {

// ASCII text unchanged; otherwise "=?UTF-8?B?…?=" words of at most 75
// characters, split between characters (RFC 2047 sections 2 and 5), joined
// by CRLF SP so that the header folds.
std::string EncodeHeaderText(std::string_view utf8);

// RFC 2045 section 6.7 for a text body: lines end in CRLF, no encoded line
// is longer than 76 characters, '=' and bytes outside printable ASCII are
// =XX, and trailing white space is encoded. `text` uses LF line ends.
std::string QuotedPrintable(std::string_view text);

// "Fri, 04 Dec 2026 21:07:42 +0000" (RFC 5322 section 3.3), in UTC.
std::string Rfc5322Date(int64_t unix_seconds);

// "2026-12-04 21:07 UTC"
std::string UtcMinute(int64_t unix_seconds);

// "3.4 MB"
std::string Megabytes(uint64_t bytes);

// "1 new message", "2 new messages": `word` with an "s" unless n is 1.
std::string Plural(uint64_t n, const char* word);

}  // namespace mailhoard::cli
