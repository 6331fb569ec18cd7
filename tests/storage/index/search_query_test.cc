#include "storage/index/search_query.h"

#include <catch2/catch.hpp>

namespace mailhoard::index {
namespace {

// The tree as an S-expression: ("and" ...), text as field:"text"[*].
std::string Describe(const SearchNode& n) {
  using K = SearchTerm::Kind;
  if (n.op != SearchNode::Op::kTerm) {
    std::string out = n.op == SearchNode::Op::kAnd  ? "(and"
                      : n.op == SearchNode::Op::kOr ? "(or"
                                                    : "(not";
    for (const SearchNode& c : n.children) out += " " + Describe(c);
    return out + ")";
  }
  const SearchTerm& t = n.term;
  switch (t.kind) {
    case K::kText: {
      static const char* kFields[] = {"", "from:", "to:", "cc:", "subject:"};
      return kFields[static_cast<int>(t.field)] + ("\"" + t.text + "\"") + (t.prefix ? "*" : "");
    }
    case K::kFolder:
      return "folder=" + t.text;
    case K::kAccount:
      return "account=" + t.text;
    case K::kFlag:
      return std::string("flag=") + t.flag_letter;
    case K::kKeyword:
      return "keyword=" + t.text;
    case K::kLarger:
      return ">" + std::to_string(t.bytes);
    case K::kSmaller:
      return "<" + std::to_string(t.bytes);
    case K::kDate:
      return "date[" + (t.date_from ? std::to_string(*t.date_from) : "") + "," +
             (t.date_until ? std::to_string(*t.date_until) : "") + ")";
  }
  return "?";
}

std::string Tree(std::string_view q) {
  auto r = ParseSearchQuery(q);
  INFO("query: " << q);
  if (!r.ok()) FAIL(r.status().message());
  return Describe(*r);
}

TEST_CASE("Search query: the language parses into the tree it says", "[index][query]") {
  struct Case {
    const char* query;
    const char* tree;
  };
  const Case cases[] = {
      {"budget", "\"budget\""},
      {"  budget   report ", "(and \"budget\" \"report\")"},
      {"budget OR report", "(or \"budget\" \"report\")"},
      {"budget AND report", "(and \"budget\" \"report\")"},
      {"a b OR c", "(or (and \"a\" \"b\") \"c\")"},
      {"a (b OR c)", "(and \"a\" (or \"b\" \"c\"))"},
      {"(a b) c", "(and \"a\" \"b\" \"c\")"},
      {"a OR (b OR c)", "(or \"a\" \"b\" \"c\")"},
      {"NOT a", "(not \"a\")"},
      {"-a", "(not \"a\")"},
      {"a -b", "(and \"a\" (not \"b\"))"},
      {"-\"x y\"", "(not \"x y\")"},
      {"-(a OR b)", "(not (or \"a\" \"b\"))"},
      {"NOT NOT a", "\"a\""},
      {"NOT a OR b", "(or (not \"a\") \"b\")"},
      {"e-mail", "\"e-mail\""},
      {"or and not", "(and \"or\" \"and\" \"not\")"},
      {"\"quarterly report\" draft", "(and \"quarterly report\" \"draft\")"},
      {"\"OR\"", "\"OR\""},
      {"repo*", "\"repo\"*"},
      {"\"a b\"*", "\"a b\"*"},
      {"*", "\"*\""},
      {"10:30", "\"10:30\""},
      {":x", "\":x\""},
      {"\"http://x.org\"", "\"http://x.org\""},
      {"from:alice", "from:\"alice\""},
      {"From:Alice", "from:\"Alice\""},
      {"to:bob cc:carol", "(and to:\"bob\" cc:\"carol\")"},
      {"subject:\"weekly digest\"", "subject:\"weekly digest\""},
      {"subject:rep*", "subject:\"rep\"*"},
      {"from:a OR from:b", "(or from:\"a\" from:\"b\")"},
      {"folder:Work/*", "folder=Work/*"},
      {"folder:\"Sent Items\"", "folder=Sent Items"},
      {"account:work", "account=work"},
      {"flag:seen", "flag=S"},
      {"flag:Answered flag:replied", "(and flag=R flag=R)"},
      {"flag:\\Flagged", "flag=F"},
      {"flag:draft flag:deleted flag:forwarded", "(and flag=D flag=T flag=P)"},
      {"flag:$Label1", "keyword=$Label1"},
      {"-flag:seen", "(not flag=S)"},
      {"larger:10k", ">10240"},
      {"smaller:2M", "<2097152"},
      {"larger:1gb", ">1073741824"},
      {"larger:500", ">500"},
      {"after:2024-01-01", "date[1704067200,)"},
      {"before:2024-02-01", "date[,1706745600)"},
      {"on:2024-01-01", "date[1704067200,1704153600)"},
  };
  for (const Case& c : cases) {
    INFO("query: " << c.query);
    CHECK(Tree(c.query) == c.tree);
  }
}

TEST_CASE("Search query: errors name what and where", "[index][query]") {
  struct Case {
    const char* query;
    const char* message;
  };
  const Case cases[] = {
      {"", "search: empty query"},
      {"   ", "search: empty query"},
      {"budget OR", "search: OR needs a term on both sides at column 8"},
      {"OR budget", "search: OR needs a term on both sides at column 1"},
      {"a OR OR b", "search: OR needs a term on both sides at column 3"},
      {"a AND", "search: AND needs a term on both sides at column 3"},
      {"AND a", "search: AND needs a term on both sides at column 1"},
      {"a AND OR b", "search: AND needs a term on both sides at column 3"},
      {"(a b", "search: '(' is never closed at column 1"},
      {"a (b (c)", "search: '(' is never closed at column 3"},
      {"a b)", "search: ')' without a matching '(' at column 4"},
      {"()", "search: empty parentheses at column 1"},
      {"(a OR)", "search: OR needs a term on both sides at column 4"},
      {"NOT", "search: NOT needs a term after it at column 1"},
      {"a NOT)", "search: NOT needs a term after it at column 3"},
      {"a -", "search: '-' must be followed directly by a term at column 3"},
      {"- a", "search: '-' must be followed directly by a term at column 1"},
      {"fodler:x",
       "search: unknown field \"fodler:\" at column 1; known: from, to, cc, subject, folder, "
       "account, flag, larger, smaller, before, after, on"},
      {"budget fodler:x", "search: unknown field \"fodler:\" at column 8; known: "},
      {"héllo Re:x", "search: unknown field \"re:\" at column 7"},
      {"x:y:z", "search: unknown field \"x:\" at column 1"},
      {"before:yesterday", "search: 'yesterday' is not a date as YYYY-MM-DD at column 8"},
      {"after:2023-02-29", "search: '2023-02-29' is not a date as YYYY-MM-DD at column 7"},
      {"on:2024-1-1", "search: '2024-1-1' is not a date"},
      {"larger:10q", "search: '10q' is not a size (use e.g. larger:10k or larger:2M) at column 8"},
      {"smaller:k", "search: 'k' is not a size"},
      {"larger:99999999999999999", "search: '99999999999999999' is not a size"},
      {"\"unclosed", "search: unclosed '\"' at column 1"},
      {"a subject:\"x", "search: unclosed '\"' at column 11"},
      {"from:", "search: 'from:' needs a value at column 1"},
      {"to: x", "search: 'to:' needs a value at column 1"},
      {"NEAR(a b)", "search: NEAR() is not supported (use a \"quoted phrase\") at column 1"},
      {"has:attachment", "search: has: is not supported (the index does not record attachments)"},
  };
  for (const Case& c : cases) {
    INFO("query: " << c.query);
    auto r = ParseSearchQuery(c.query);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(r.status().message(), Catch::StartsWith(c.message));
  }
}

TEST_CASE("Search query: nesting and length are bounded", "[index][query]") {
  std::string deep =
      std::string(kMaxSearchNesting, '(') + "a" + std::string(kMaxSearchNesting, ')');
  CHECK(ParseSearchQuery(deep).ok());
  std::string deeper = "(" + deep + ")";
  CHECK_THAT(ParseSearchQuery(deeper).status().message(), Catch::Contains("nested more than"));
  std::string many;
  for (int i = 0; i < kMaxSearchTerms; ++i) many += "w OR ";
  CHECK(ParseSearchQuery(many + "w").status().message().find("more than 200 terms") !=
        std::string::npos);
  CHECK(ParseSearchQuery(many.substr(5) + "w").ok());
}

TEST_CASE("Search query: dates, sizes and columns", "[index][query]") {
  CHECK(ParseIsoDate("1970-01-01") == 0);
  CHECK(ParseIsoDate("2000-02-29") == 951782400);
  CHECK_FALSE(ParseIsoDate("2023-02-29"));
  CHECK_FALSE(ParseIsoDate("2023-13-01"));
  CHECK_FALSE(ParseIsoDate("2023-1-01"));
  CHECK(ParseSize("0") == 0);
  CHECK(ParseSize("10K") == 10240);
  CHECK(ParseSize("10kB") == 10240);
  CHECK(ParseSize("3m") == 3 << 20);
  CHECK_FALSE(ParseSize(""));
  CHECK_FALSE(ParseSize("B"));
  CHECK_FALSE(ParseSize("1.5M"));
  CHECK_FALSE(ParseSize("-1"));
  CHECK(ColumnOf("abc", 0) == 1);
  CHECK(ColumnOf("héllo x", 7) == 7);  // é is two bytes, one column
}

}  // namespace
}  // namespace mailhoard::index
