// RFC 5322 §3.3 date-time parsing, including the obsolete syntax of §4.3
// and forms broken mailers produce.
#pragma once

#include <ctime>
#include <optional>
#include <string_view>

namespace mailhoard::mime {

// Parses a Date: header value to seconds since the epoch (UTC).
// Accepted, besides "Fri, 21 Nov 1997 09:55:06 -0600":
//  - no day name, no seconds, single-digit fields, comments anywhere,
//  - 2-digit years (< 50 → 20xx, else 19xx) and 3-digit years (+1900), §4.3,
//  - zone names UT/GMT/UTC/Z/EST/EDT/CST/CDT/MST/MDT/PST/PDT (§4.3) and a few
//    common non-RFC ones (CET, CEST, BST, JST...), military letters as
//    -0000 (§4.3 says their meaning is unreliable), "GMT+0100", "+01:00",
//  - a missing zone (taken as UTC), full month/day names, "21-Nov-1997",
//    asctime "Fri Nov 21 09:55:06 1997", ISO 8601 "1997-11-21T09:55:06Z",
//    "21.11.1997 09:55", AM/PM.
// Anything without a recognisable day, month and year, or out of range
// (31 Feb, 25:00), gives nullopt.
std::optional<std::time_t> ParseDate(std::string_view value);

}  // namespace mailhoard::mime
