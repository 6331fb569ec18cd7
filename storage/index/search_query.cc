#include "storage/index/search_query.h"

#include <array>
#include <cctype>
#include <vector>

namespace mailhoard::index {

namespace {

struct Field {
  std::string_view prefix;
  std::string_view column;
};
constexpr std::array<Field, 4> kFields = {{
    {"from:", "from_addr"},
    {"to:", "to_addr"},
    {"cc:", "cc_addr"},
    {"subject:", "subject"},
}};

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// An FTS5 string: the tokenizer splits it into a phrase; nothing in it is
// an operator.
std::string QuoteFts(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// Splits on whitespace; a double quote starts a phrase that runs to the next
// double quote (or the end), so `subject:"two words"` is one term.
std::vector<std::string> SplitTerms(std::string_view q) {
  std::vector<std::string> terms;
  std::string current;
  bool in_quotes = false;
  for (char c : q) {
    if (c == '"') {
      in_quotes = !in_quotes;
      current += c;
    } else if (!in_quotes && std::isspace(static_cast<unsigned char>(c))) {
      if (!current.empty()) terms.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) terms.push_back(std::move(current));
  return terms;
}

// Removes the quotes of a quoted phrase; returns whether a trailing `*` asked
// for a prefix search.
std::string Unquote(std::string_view term, bool* prefix) {
  *prefix = false;
  if (term.size() >= 2 && term.back() == '*' && term.front() != '"') {
    *prefix = true;
    term.remove_suffix(1);
  }
  std::string out;
  for (char c : term) {
    if (c != '"') out += c;
  }
  return out;
}

}  // namespace

bool ApproximateHasTokens(std::string_view text) {
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80 || std::isalnum(u)) return true;
  }
  return false;
}

std::optional<int64_t> ParseIsoDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(d[i]))) return std::nullopt;
  }
  auto num = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) v = v * 10 + (d[i] - '0');
    return v;
  };
  int y = num(0, 4), m = num(5, 2), day = num(8, 2);
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || day < 1 || day > kDays[m - 1]) return std::nullopt;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && day == 29 && !leap) return std::nullopt;
  // Days from civil (H. Hinnant), proleptic Gregorian.
  int yy = m <= 2 ? y - 1 : y;
  int era = (yy >= 0 ? yy : yy - 399) / 400;
  int yoe = yy - era * 400;
  int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = static_cast<int64_t>(era) * 146097 + doe - 719468;
  return days * 86400;
}

Result<SearchQuery> ParseSearchQuery(std::string_view query, const HasTokensFn& has_tokens) {
  SearchQuery out;
  std::vector<std::string> parts;
  for (const std::string& term : SplitTerms(query)) {
    std::string_view t = term;
    if (StartsWithNoCase(t, "before:") || StartsWithNoCase(t, "after:")) {
      bool before = StartsWithNoCase(t, "before:");
      std::string_view value = t.substr(before ? 7 : 6);
      std::optional<int64_t> when = ParseIsoDate(value);
      if (!when) {
        return InvalidArgument("search: '" + term + "' needs a date as YYYY-MM-DD");
      }
      if (before) {
        if (!out.date_until || *when < *out.date_until) out.date_until = when;
      } else {
        if (!out.date_from || *when > *out.date_from) out.date_from = when;
      }
      continue;
    }
    std::string_view column;
    for (const Field& f : kFields) {
      if (StartsWithNoCase(t, f.prefix)) {
        column = f.column;
        t.remove_prefix(f.prefix.size());
        break;
      }
    }
    bool prefix = false;
    std::string text = Unquote(t, &prefix);
    if (!has_tokens(text)) continue;
    std::string expr = QuoteFts(text);
    if (prefix) expr += " *";
    if (!column.empty()) expr = std::string(column) + " : " + expr;
    parts.push_back(std::move(expr));
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out.fts_match += " AND ";
    out.fts_match += parts[i];
  }
  return out;
}

}  // namespace mailhoard::index
