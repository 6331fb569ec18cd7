// Translates the user's search syntax into an FTS5 MATCH expression plus a
// date range. Pure; no SQLite.
//
// Syntax: whitespace-separated terms, all of which must match.
//   word  "a phrase"  word*          anywhere (from, to, cc, subject, body)
//   from:x  to:x  cc:x  subject:x     in that field only (x may be "quoted")
//   before:YYYY-MM-DD                 Date earlier than that day (UTC)
//   after:YYYY-MM-DD                  Date on or after that day (UTC)
// Every user string ends up inside an FTS5 "string" with quotes doubled, so
// operators in the input (NEAR(, AND, ^, :, parentheses) are plain text and a
// query can never be an FTS5 syntax error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/core/status.h"

namespace mailhoard::index {

struct SearchQuery {
  std::string fts_match;              // empty: no text condition
  std::optional<int64_t> date_from;   // inclusive, Unix seconds
  std::optional<int64_t> date_until;  // exclusive, Unix seconds
};

// kInvalidArgument for a malformed date; everything else is accepted.
Result<SearchQuery> ParseSearchQuery(std::string_view query);

// Unix seconds of 00:00 UTC on YYYY-MM-DD, or nullopt if malformed.
std::optional<int64_t> ParseIsoDate(std::string_view date);

}  // namespace mailhoard::index
