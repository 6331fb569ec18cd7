#include "storage/index/search_lexer.h"

#include <cctype>

#include "storage/index/search_query.h"

namespace mailhoard::index {

namespace {

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool EndsWord(char c) { return IsSpace(c) || c == '(' || c == ')' || c == '"'; }

Status ErrorAt(std::string_view query, size_t pos, const std::string& what) {
  return InvalidArgument("search: " + what + " at column " + std::to_string(ColumnOf(query, pos)));
}

// A quoted phrase starting at query[*i] == '"'. Inside it every character is
// text; there is no escape (a phrase cannot hold a double quote).
Result<std::string> ReadPhrase(std::string_view query, size_t* i, bool* star) {
  const size_t open = *i;
  const size_t close = query.find('"', open + 1);
  if (close == std::string_view::npos) {
    return ErrorAt(query, open, "unclosed '\"'");
  }
  std::string text(query.substr(open + 1, close - open - 1));
  *i = close + 1;
  *star = *i < query.size() && query[*i] == '*';
  if (*star) ++*i;
  return text;
}

// "from:x" → field "from"; "10:30", ":x" and "a-b:c" are plain words.
bool SplitField(std::string_view word, std::string_view* name) {
  const size_t colon = word.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  for (size_t k = 0; k < colon; ++k) {
    if (!std::isalpha(static_cast<unsigned char>(word[k]))) return false;
  }
  *name = word.substr(0, colon);
  return true;
}

}  // namespace

Result<std::vector<SearchToken>> LexSearchQuery(std::string_view query) {
  std::vector<SearchToken> out;
  size_t i = 0;
  while (true) {
    while (i < query.size() && IsSpace(query[i])) ++i;
    SearchToken t;
    t.pos = i;
    if (i == query.size()) {
      out.push_back(t);
      return out;
    }
    const char c = query[i];
    if (c == '(' || c == ')') {
      t.kind = c == '(' ? SearchToken::Kind::kLParen : SearchToken::Kind::kRParen;
      ++i;
    } else if (c == '-') {
      if (i + 1 == query.size() || IsSpace(query[i + 1]) || query[i + 1] == ')') {
        return ErrorAt(query, i, "'-' must be followed directly by a term");
      }
      t.kind = SearchToken::Kind::kNot;
      ++i;
    } else if (c == '"') {
      t.kind = SearchToken::Kind::kPhrase;
      t.quoted = true;
      MH_ASSIGN_OR_RETURN(t.text, ReadPhrase(query, &i, &t.star));
    } else {
      size_t end = i;
      while (end < query.size() && !EndsWord(query[end])) ++end;
      const std::string_view word = query.substr(i, end - i);
      std::string_view name;
      if (word == "OR") {
        t.kind = SearchToken::Kind::kOr;
      } else if (word == "AND") {
        t.kind = SearchToken::Kind::kAnd;
      } else if (word == "NOT") {
        t.kind = SearchToken::Kind::kNot;
      } else if (word == "NEAR" && end < query.size() && query[end] == '(') {
        return ErrorAt(query, i, "NEAR() is not supported (use a \"quoted phrase\")");
      } else if (SplitField(word, &name)) {
        t.kind = SearchToken::Kind::kField;
        for (char n : name)
          t.field += static_cast<char>(std::tolower(static_cast<unsigned char>(n)));
        t.value_pos = i + name.size() + 1;
        t.text = std::string(word.substr(name.size() + 1));
        if (t.text.empty() && end < query.size() && query[end] == '"') {
          t.quoted = true;
          MH_ASSIGN_OR_RETURN(t.text, ReadPhrase(query, &end, &t.star));
        } else if (t.text.empty()) {
          return ErrorAt(query, i, "'" + std::string(word) + "' needs a value");
        }
      } else {
        t.kind = SearchToken::Kind::kWord;
        t.text = std::string(word);
      }
      i = end;
    }
    t.spelling = query.substr(t.pos, i - t.pos);
    out.push_back(std::move(t));
  }
}

}  // namespace mailhoard::index
