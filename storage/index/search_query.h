// The user's search language, parsed into a tree. Pure; no SQLite.
// docs/search.md is the user's description and must match this file.
//
//   query   := or
//   or      := and ("OR" and)*
//   and     := unary (["AND"] unary)*          juxtaposition is AND
//   unary   := ("NOT" | "-") unary | primary    "-" only directly before a term
//   primary := "(" or ")" | term
//   term    := word | word* | "phrase" | "phrase"* | field:value
//
// Fields: from to cc subject (text in that header), folder account (glob on
// the name), flag (system flag or keyword), larger smaller (size), before
// after on (UTC days). A word that looks like a field (letters, then ':')
// but names none is an error, as are unbalanced parentheses, a dangling
// operator, a bad date or size: every error names its column, so a query
// never silently finds nothing because it was misread.
//
// Text stays text: the SQL builder (search_sql.h) quotes every user string,
// so nothing here can become FTS5 or SQL syntax.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mailhoard::index {

enum class TextField { kAny, kFrom, kTo, kCc, kSubject };

struct SearchTerm {
  enum class Kind { kText, kFolder, kAccount, kFlag, kKeyword, kLarger, kSmaller, kDate };
  Kind kind = Kind::kText;
  TextField field = TextField::kAny;  // kText
  std::string text;                   // kText; kFolder/kAccount pattern; kKeyword
  bool prefix = false;                // kText: word* (the last token is a prefix)
  char flag_letter = 0;               // kFlag: Maildir letter (D F P R S T)
  int64_t bytes = 0;                  // kLarger / kSmaller
  std::optional<int64_t> date_from;   // kDate, inclusive Unix seconds
  std::optional<int64_t> date_until;  // kDate, exclusive Unix seconds
  size_t column = 0;                  // 1-based, in characters, for errors
};

struct SearchNode {
  enum class Op { kTerm, kAnd, kOr, kNot };
  Op op = Op::kTerm;
  SearchTerm term;                   // kTerm
  std::vector<SearchNode> children;  // kAnd / kOr: two or more; kNot: one
};

// Limits that keep a pasted wall of text from exhausting the stack or
// SQLite's expression depth and parameter count.
inline constexpr int kMaxSearchNesting = 32;
inline constexpr int kMaxSearchTerms = 200;

// kInvalidArgument, message "search: ... at column N ...", for anything the
// language does not define.
Result<SearchNode> ParseSearchQuery(std::string_view query);

// Unix seconds of 00:00 UTC on YYYY-MM-DD, or nullopt if malformed.
std::optional<int64_t> ParseIsoDate(std::string_view date);

// "123", "10k", "2M", "1G" (optionally with a trailing B, any case; k = 1024
// bytes), or nullopt.
std::optional<int64_t> ParseSize(std::string_view size);

// 1-based column, in UTF-8 characters, of byte offset `pos` of `text`.
size_t ColumnOf(std::string_view text, size_t pos);

}  // namespace mailhoard::index
