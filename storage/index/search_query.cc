#include "storage/index/search_query.h"

#include <array>
#include <cctype>
#include <limits>

#include "core/civil_date.h"
#include "storage/index/search_lexer.h"

namespace mailhoard::index {

namespace {

using Kind = SearchToken::Kind;

constexpr char kKnownFields[] =
    "from, to, cc, subject, folder, account, flag, larger, smaller, before, after, on";

struct FlagName {
  std::string_view name;
  char letter;
};
// The names `search` prints in --json "flags", plus IMAP's spelling.
constexpr std::array<FlagName, 10> kFlagNames = {{
    {"seen", 'S'},
    {"answered", 'R'},
    {"replied", 'R'},
    {"flagged", 'F'},
    {"draft", 'D'},
    {"deleted", 'T'},
    {"trashed", 'T'},
    {"forwarded", 'P'},
    {"passed", 'P'},
    {"$forwarded", 'P'},
}};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<char> FlagLetter(std::string_view value) {
  std::string v = Lower(value);
  for (const FlagName& f : kFlagNames) {
    if (v == f.name) return f.letter;
  }
  // \Flagged, \Draft, \Deleted: the IMAP names of the rest.
  if (!v.empty() && v[0] == '\\') {
    for (const FlagName& f : kFlagNames) {
      if (v.substr(1) == f.name) return f.letter;
    }
  }
  return std::nullopt;
}

class Parser {
 public:
  Parser(std::string_view query, std::vector<SearchToken> tokens)
      : query_(query), tokens_(std::move(tokens)) {}

  Result<SearchNode> Parse() {
    if (Peek().kind == Kind::kEnd) {
      return InvalidArgument("search: empty query (see mailhoard search --help)");
    }
    MH_ASSIGN_OR_RETURN(std::optional<SearchNode> root, ParseOr());
    if (Peek().kind == Kind::kRParen) return ErrorAt(Peek().pos, "')' without a matching '('");
    if (!root) return ErrorAt(Peek().pos, "a term is missing");
    return std::move(*root);
  }

 private:
  const SearchToken& Peek() const { return tokens_[next_]; }
  const SearchToken& Take() { return tokens_[next_++]; }

  Status ErrorAt(size_t pos, const std::string& what, const std::string& tail = "") const {
    return InvalidArgument("search: " + what + " at column " +
                           std::to_string(ColumnOf(query_, pos)) + tail);
  }
  Status OperandMissing(const SearchToken& op) const {
    return ErrorAt(op.pos, std::string(op.spelling) + " needs a term on both sides");
  }

  static SearchNode Join(SearchNode::Op op, std::vector<SearchNode> children) {
    if (children.size() == 1) return std::move(children.front());
    SearchNode n;
    n.op = op;
    for (SearchNode& c : children) {
      // (a b) c is a b c: flat, so long queries stay shallow for SQLite.
      if (c.op == op) {
        for (SearchNode& g : c.children) n.children.push_back(std::move(g));
      } else {
        n.children.push_back(std::move(c));
      }
    }
    return n;
  }

  // nullopt: no term before ')' / OR / the end.
  Result<std::optional<SearchNode>> ParseOr() {
    std::vector<SearchNode> alternatives;
    MH_ASSIGN_OR_RETURN(std::optional<SearchNode> first, ParseAnd());
    if (!first && Peek().kind != Kind::kOr) return std::optional<SearchNode>();
    if (!first) return OperandMissing(Peek());
    alternatives.push_back(std::move(*first));
    while (Peek().kind == Kind::kOr) {
      const SearchToken& op = Take();
      MH_ASSIGN_OR_RETURN(std::optional<SearchNode> next, ParseAnd());
      if (!next) return OperandMissing(op);
      alternatives.push_back(std::move(*next));
    }
    return std::optional<SearchNode>(Join(SearchNode::Op::kOr, std::move(alternatives)));
  }

  Result<std::optional<SearchNode>> ParseAnd() {
    std::vector<SearchNode> all;
    while (true) {
      Kind k = Peek().kind;
      if (k == Kind::kEnd || k == Kind::kRParen || k == Kind::kOr) break;
      if (k == Kind::kAnd) {
        const SearchToken& op = Take();
        Kind after = Peek().kind;
        if (all.empty() || after == Kind::kEnd || after == Kind::kRParen || after == Kind::kOr ||
            after == Kind::kAnd) {
          return OperandMissing(op);
        }
      }
      MH_ASSIGN_OR_RETURN(SearchNode n, ParseUnary());
      all.push_back(std::move(n));
    }
    if (all.empty()) return std::optional<SearchNode>();
    return std::optional<SearchNode>(Join(SearchNode::Op::kAnd, std::move(all)));
  }

  Result<SearchNode> ParseUnary() {
    if (Peek().kind != Kind::kNot) return ParsePrimary();
    const SearchToken& op = Take();
    Kind after = Peek().kind;
    if (after == Kind::kEnd || after == Kind::kRParen || after == Kind::kOr ||
        after == Kind::kAnd) {
      return ErrorAt(op.pos, std::string(op.spelling) + " needs a term after it");
    }
    MH_ASSIGN_OR_RETURN(SearchNode operand, ParseUnary());
    if (operand.op == SearchNode::Op::kNot) return std::move(operand.children.front());
    SearchNode n;
    n.op = SearchNode::Op::kNot;
    n.children.push_back(std::move(operand));
    return n;
  }

  Result<SearchNode> ParsePrimary() {
    const SearchToken& t = Take();
    if (t.kind != Kind::kLParen) return ParseTerm(t);
    if (++depth_ > kMaxSearchNesting) {
      return ErrorAt(t.pos,
                     "parentheses nested more than " + std::to_string(kMaxSearchNesting) + " deep");
    }
    MH_ASSIGN_OR_RETURN(std::optional<SearchNode> inner, ParseOr());
    if (Peek().kind != Kind::kRParen) return ErrorAt(t.pos, "'(' is never closed");
    if (!inner) return ErrorAt(t.pos, "empty parentheses");
    Take();
    --depth_;
    return std::move(*inner);
  }

  Result<SearchNode> ParseTerm(const SearchToken& t) {
    if (++terms_ > kMaxSearchTerms) {
      return ErrorAt(t.pos, "more than " + std::to_string(kMaxSearchTerms) + " terms");
    }
    SearchNode n;
    n.term.column = ColumnOf(query_, t.pos);
    if (t.kind == Kind::kWord || t.kind == Kind::kPhrase) {
      SetText(t, &n.term);
      return n;
    }
    // kWord, kPhrase, kField, kLParen were handled; kNot/kAnd/kOr/kEnd/kRParen
    // never reach here (ParseAnd and ParseUnary stop before them).
    MH_RETURN_IF_ERROR(SetField(t, &n.term));
    return n;
  }

  static void SetText(const SearchToken& t, SearchTerm* term) {
    term->kind = SearchTerm::Kind::kText;
    term->text = t.text;
    term->prefix = t.star;
    if (!t.quoted && term->text.size() >= 2 && term->text.back() == '*') {
      term->prefix = true;
      term->text.pop_back();
    }
  }

  Status SetField(const SearchToken& t, SearchTerm* term) {
    using K = SearchTerm::Kind;
    const std::string& f = t.field;
    const std::string& v = t.text;
    static constexpr std::array<std::pair<std::string_view, TextField>, 4> kText = {{
        {"from", TextField::kFrom},
        {"to", TextField::kTo},
        {"cc", TextField::kCc},
        {"subject", TextField::kSubject},
    }};
    for (const auto& [name, field] : kText) {
      if (f == name) {
        SetText(t, term);
        term->field = field;
        return Status::Ok();
      }
    }
    if (f == "folder" || f == "account") {
      term->kind = f == "folder" ? K::kFolder : K::kAccount;
      term->text = t.star ? v + "*" : v;
      return Status::Ok();
    }
    if (f == "flag") {
      std::optional<char> letter = FlagLetter(v);
      term->kind = letter ? K::kFlag : K::kKeyword;
      term->flag_letter = letter.value_or(0);
      term->text = v;
      return Status::Ok();
    }
    if (f == "larger" || f == "smaller") {
      std::optional<int64_t> bytes = ParseSize(v);
      if (!bytes) {
        return ErrorAt(t.value_pos,
                       "'" + v + "' is not a size (use e.g. " + f + ":10k or " + f + ":2M)");
      }
      term->kind = f == "larger" ? K::kLarger : K::kSmaller;
      term->bytes = *bytes;
      return Status::Ok();
    }
    if (f == "before" || f == "after" || f == "on") {
      std::optional<int64_t> day = ParseIsoDate(v);
      if (!day) return ErrorAt(t.value_pos, "'" + v + "' is not a date as YYYY-MM-DD");
      term->kind = K::kDate;
      if (f != "before") term->date_from = *day;
      if (f == "before") term->date_until = *day;
      if (f == "on") term->date_until = *day + 86400;
      return Status::Ok();
    }
    if (f == "has") {
      return ErrorAt(t.pos, "has: is not supported (the index does not record attachments)");
    }
    return ErrorAt(t.pos, "unknown field \"" + f + ":\"",
                   std::string("; known: ") + kKnownFields +
                       " (to search for text with a ':', put it in \"quotes\")");
  }

  std::string_view query_;
  std::vector<SearchToken> tokens_;
  size_t next_ = 0;
  int depth_ = 0;
  int terms_ = 0;
};

}  // namespace

size_t ColumnOf(std::string_view text, size_t pos) {
  size_t column = 1;
  for (size_t i = 0; i < pos && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  }
  return column;
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
  return DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(day)) * 86400;
}

std::optional<int64_t> ParseSize(std::string_view s) {
  if (!s.empty() && (s.back() == 'b' || s.back() == 'B')) s.remove_suffix(1);
  int64_t unit = 1;
  if (!s.empty()) {
    switch (std::tolower(static_cast<unsigned char>(s.back()))) {
      case 'k':
        unit = int64_t{1} << 10;
        break;
      case 'm':
        unit = int64_t{1} << 20;
        break;
      case 'g':
        unit = int64_t{1} << 30;
        break;
      default:
        break;
    }
    if (unit != 1) s.remove_suffix(1);
  }
  if (s.empty() || s.size() > 12) return std::nullopt;
  int64_t n = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n > std::numeric_limits<int64_t>::max() / unit) return std::nullopt;
  return n * unit;
}

Result<SearchNode> ParseSearchQuery(std::string_view query) {
  MH_ASSIGN_OR_RETURN(std::vector<SearchToken> tokens, LexSearchQuery(query));
  return Parser(query, std::move(tokens)).Parse();
}

}  // namespace mailhoard::index
