#include "storage/index/search_sql.h"

#include <cctype>

namespace mailhoard::index {

namespace {

constexpr char kDate[] = "coalesce(m.date, m.internal_date)";

std::string_view FtsColumn(TextField field) {
  switch (field) {
    case TextField::kFrom:
      return "from_addr : ";
    case TextField::kTo:
      return "to_addr : ";
    case TextField::kCc:
      return "cc_addr : ";
    case TextField::kSubject:
      return "subject : ";
    case TextField::kAny:
      break;
  }
  return "";
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

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Our globs know '*' and '?' only; SQLite's GLOB also has [classes], so a
// '[' in a name is made literal.
std::string GlobPattern(std::string_view pattern) {
  std::string out;
  for (char c : LowerAscii(pattern)) {
    if (c == '[') {
      out += "[[]";
    } else {
      out += c;
    }
  }
  return out;
}

bool IsText(const SearchNode& n) {
  if (n.op == SearchNode::Op::kTerm) return n.term.kind == SearchTerm::Kind::kText;
  if (n.op == SearchNode::Op::kNot) return false;
  for (const SearchNode& c : n.children) {
    if (!IsText(c)) return false;
  }
  return true;
}

class Builder {
 public:
  Builder(std::string_view account, const HasTokensFn& has_tokens)
      : account_(account), has_tokens_(has_tokens) {}

  Status Emit(const SearchNode& n, std::string* out) {
    switch (n.op) {
      case SearchNode::Op::kTerm:
        if (n.term.kind == SearchTerm::Kind::kText) return EmitMatch(n, out);
        EmitTerm(n.term, out);
        return Status::Ok();
      case SearchNode::Op::kNot:
        *out += "NOT (";
        MH_RETURN_IF_ERROR(Emit(n.children.front(), out));
        *out += ")";
        return Status::Ok();
      case SearchNode::Op::kAnd:
      case SearchNode::Op::kOr:
        return EmitGroup(n, out);
    }
    return Status::Ok();
  }

  SearchSql& sql() { return sql_; }

 private:
  // The text children of an AND / OR are one MATCH; the others SQL.
  Status EmitGroup(const SearchNode& n, std::string* out) {
    const bool is_and = n.op == SearchNode::Op::kAnd;
    const char* joiner = is_and ? " AND " : " OR ";
    SearchNode text;
    text.op = n.op;
    for (const SearchNode& c : n.children) {
      if (IsText(c)) text.children.push_back(c);
    }
    *out += "(";
    bool first = true;
    if (!text.children.empty()) {
      MH_RETURN_IF_ERROR(EmitMatch(text.children.size() == 1 ? text.children.front() : text, out));
      first = false;
    }
    for (const SearchNode& c : n.children) {
      if (IsText(c)) continue;
      if (!first) *out += joiner;
      first = false;
      MH_RETURN_IF_ERROR(Emit(c, out));
    }
    *out += ")";
    return Status::Ok();
  }

  Status EmitMatch(const SearchNode& n, std::string* out) {
    std::string fts;
    MH_RETURN_IF_ERROR(Fts(n, &fts));
    *out += "m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)";
    sql_.params.emplace_back(std::move(fts));
    return Status::Ok();
  }

  Status Fts(const SearchNode& n, std::string* out) {
    if (n.op == SearchNode::Op::kTerm) {
      const SearchTerm& t = n.term;
      if (!has_tokens_(t.text)) {
        return InvalidArgument("search: \"" + t.text + (t.prefix ? "*" : "") + "\" at column " +
                               std::to_string(t.column) +
                               " has no letters or digits to search for");
      }
      *out += FtsColumn(t.field);
      *out += QuoteFts(t.text);
      if (t.prefix) *out += " *";
      return Status::Ok();
    }
    *out += "(";
    for (size_t i = 0; i < n.children.size(); ++i) {
      if (i) *out += n.op == SearchNode::Op::kAnd ? " AND " : " OR ";
      MH_RETURN_IF_ERROR(Fts(n.children[i], out));
    }
    *out += ")";
    return Status::Ok();
  }

  void EmitTerm(const SearchTerm& t, std::string* out) {
    using K = SearchTerm::Kind;
    switch (t.kind) {
      case K::kFolder:
        *out += "lower(f.display_name) GLOB ?";
        sql_.params.emplace_back(GlobPattern(t.text));
        return;
      case K::kAccount:
        *out += "? GLOB ?";
        sql_.params.emplace_back(LowerAscii(account_));
        sql_.params.emplace_back(GlobPattern(t.text));
        return;
      case K::kFlag:
        *out += "instr(m.flags, ?) > 0";
        sql_.params.emplace_back(std::string(1, t.flag_letter));
        return;
      case K::kKeyword:
        *out += "instr(' ' || lower(m.keywords) || ' ', ?) > 0";
        sql_.params.emplace_back(" " + LowerAscii(t.text) + " ");
        return;
      case K::kLarger:
      case K::kSmaller:
        *out += t.kind == K::kLarger ? "m.size > ?" : "m.size < ?";
        sql_.params.emplace_back(t.bytes);
        return;
      case K::kDate:
        // A message without any date matches no date term (and so every
        // NOT of one): ifnull turns SQL's unknown into false.
        *out += "ifnull(";
        if (t.date_from) {
          *out += std::string(kDate) + " >= ?";
          sql_.params.emplace_back(*t.date_from);
        }
        if (t.date_from && t.date_until) *out += " AND ";
        if (t.date_until) {
          *out += std::string(kDate) + " < ?";
          sql_.params.emplace_back(*t.date_until);
        }
        *out += ", 0)";
        return;
      case K::kText:
        return;  // EmitMatch
    }
  }

  std::string_view account_;
  const HasTokensFn& has_tokens_;
  SearchSql sql_;
};

}  // namespace

bool ApproximateHasTokens(std::string_view text) {
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80 || std::isalnum(u)) return true;
  }
  return false;
}

Result<SearchSql> BuildSearchSql(const SearchNode& query, std::string_view account,
                                 const HasTokensFn& has_tokens) {
  Builder b(account, has_tokens);
  std::string where;
  MH_RETURN_IF_ERROR(b.Emit(query, &where));
  b.sql().where = std::move(where);
  return std::move(b.sql());
}

}  // namespace mailhoard::index
