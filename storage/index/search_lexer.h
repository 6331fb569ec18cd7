// Splits a search query into tokens for search_query.cc. Pure.
//
//   ( )             grouping
//   OR AND NOT      operators, upper case only ("or" is a word)
//   -               NOT, when directly before a term ("e-mail" is one word)
//   "a phrase"      text; a '*' right after the closing quote makes a prefix
//   name:value      a field (name is ASCII letters); value is a word or "phrase"
//   word            anything else up to whitespace, '(', ')' or '"'
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mailhoard::index {

struct SearchToken {
  enum class Kind { kWord, kPhrase, kField, kLParen, kRParen, kOr, kAnd, kNot, kEnd };
  Kind kind = Kind::kEnd;
  std::string field;          // kField: the name, lower case
  std::string text;           // kWord / kPhrase / kField: the text or value, unquoted
  bool quoted = false;        // kPhrase, or a kField whose value was "quoted"
  bool star = false;          // a '*' followed the closing quote
  size_t pos = 0;             // byte offset of the token
  size_t value_pos = 0;       // kField: byte offset of the value
  std::string_view spelling;  // the token as typed (for messages)
};

// The tokens of `query`, ending with one kEnd. kInvalidArgument for an
// unclosed quote, a '-' before nothing, a field without a value, NEAR(.
Result<std::vector<SearchToken>> LexSearchQuery(std::string_view query);

}  // namespace mailhoard::index
