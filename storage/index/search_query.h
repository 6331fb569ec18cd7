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
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mailhoard::index {

struct SearchQuery {
  std::string fts_match;              // empty: no text condition
  std::optional<int64_t> date_from;   // inclusive, Unix seconds
  std::optional<int64_t> date_until;  // exclusive, Unix seconds
};

// Whether the tokenizer keeps any token of `text`. A term that tokenizes to
// nothing (only punctuation, e.g. "—" or "***") would become an empty FTS5
// phrase, which matches no row and so silently empties the whole AND: such
// terms are dropped instead.
using HasTokensFn = std::function<bool(std::string_view text)>;

// Approximation without a tokenizer: ASCII letters/digits are tokens, ASCII
// punctuation is not, and any non-ASCII byte is assumed to start a token.
bool ApproximateHasTokens(std::string_view text);

// kInvalidArgument for a malformed date; everything else is accepted.
Result<SearchQuery> ParseSearchQuery(std::string_view query,
                                     const HasTokensFn& has_tokens = ApproximateHasTokens);

// Unix seconds of 00:00 UTC on YYYY-MM-DD, or nullopt if malformed.
std::optional<int64_t> ParseIsoDate(std::string_view date);

}  // namespace mailhoard::index
