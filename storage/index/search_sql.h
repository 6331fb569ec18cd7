// A parsed search (search_query.h) as an SQL condition over `messages m`
// joined with `folders f`. Pure; no SQLite.
//
// Every user string is a bound parameter. Text terms become FTS5 strings
// ("..." with quotes doubled) inside a MATCH parameter, so nothing the user
// types is FTS5 or SQL syntax. Text-only subtrees are one MATCH expression
// (FTS5 does AND / OR itself); the rest is SQL: NOT, folders, flags, sizes,
// dates.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"
#include "storage/index/search_query.h"

namespace mailhoard::index {

struct SearchSql {
  std::string where;  // an SQL boolean expression with '?' placeholders
  std::vector<std::variant<int64_t, std::string>> params;  // in placeholder order
};

// Whether the FTS tokenizer keeps any token of `text`. A term without one
// would be an empty phrase, which matches nothing: that is an error, not
// a silent empty result.
using HasTokensFn = std::function<bool(std::string_view text)>;

// Approximation without a tokenizer: ASCII letters/digits are tokens, ASCII
// punctuation is not, and any non-ASCII byte is assumed to start a token.
bool ApproximateHasTokens(std::string_view text);

// `account` is the name account: terms are matched against (each index is
// one account). kInvalidArgument for a text term without tokens.
Result<SearchSql> BuildSearchSql(const SearchNode& query, std::string_view account,
                                 const HasTokensFn& has_tokens = ApproximateHasTokens);

}  // namespace mailhoard::index
