#include "storage/index/search_sql.h"

#include <catch2/catch.hpp>

namespace mailhoard::index {
namespace {

using Param = std::variant<int64_t, std::string>;
constexpr char kMatch[] = "m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)";

SearchSql Build(std::string_view q, std::string_view account = "work") {
  auto tree = ParseSearchQuery(q);
  INFO("query: " << q);
  REQUIRE(tree.ok());
  auto sql = BuildSearchSql(*tree, account);
  if (!sql.ok()) FAIL(sql.status().message());
  return *sql;
}

TEST_CASE("Search SQL: text-only subtrees are one quoted FTS5 MATCH", "[index][query]") {
  SearchSql s = Build("budget OR report");
  CHECK(s.where == std::string("(") + kMatch + ")");
  CHECK(s.params == std::vector<Param>{"(\"budget\" OR \"report\")"});
  s = Build("from:alice subject:\"weekly digest\" rep*");
  CHECK(s.params == std::vector<Param>{
                        "(from_addr : \"alice\" AND subject : \"weekly digest\" AND \"rep\" *)"});
  s = Build("a (b OR to:c)");
  CHECK(s.params == std::vector<Param>{"(\"a\" AND (\"b\" OR to_addr : \"c\"))"});
}

TEST_CASE("Search SQL: NOT and non-text terms are SQL with bound values", "[index][query]") {
  SearchSql s = Build("budget -report");
  CHECK(s.where == std::string("(") + kMatch + " AND NOT (" + kMatch + "))");
  CHECK(s.params == std::vector<Param>{"\"budget\"", "\"report\""});

  s = Build("folder:Work/* flag:seen -flag:$Junk larger:1k");
  CHECK(s.where ==
        "(lower(f.display_name) GLOB ? AND instr(m.flags, ?) > 0 AND NOT (instr(' ' || "
        "lower(m.keywords) || ' ', ?) > 0) AND m.size > ?)");
  CHECK(s.params == std::vector<Param>{"work/*", "S", " $junk ", int64_t{1024}});

  s = Build("on:2024-01-01 OR before:1970-01-02");
  CHECK(s.where ==
        "(ifnull(coalesce(m.date, m.internal_date) >= ? AND coalesce(m.date, m.internal_date) < "
        "?, 0) OR ifnull(coalesce(m.date, m.internal_date) < ?, 0))");
  CHECK(s.params == std::vector<Param>{int64_t{1704067200}, int64_t{1704153600}, int64_t{86400}});

  s = Build("account:W* report", "Work");
  CHECK(s.where == std::string("(") + kMatch + " AND ? GLOB ?)");
  CHECK(s.params == std::vector<Param>{"\"report\"", "work", "w*"});
}

TEST_CASE("Search SQL: user text never leaves its quotes", "[index][query]") {
  SearchSql s = Build("\"a\"\" OR b\"");  // phrase, then a phrase " OR b"
  CHECK(s.params == std::vector<Param>{"(\"a\" AND \" OR b\")"});
  s = Build("subject:\"x' OR 1=1 --\"");
  CHECK(s.params == std::vector<Param>{"subject : \"x' OR 1=1 --\""});
  s = Build("folder:a[b]");
  CHECK(s.params == std::vector<Param>{"a[[]b]"});  // [ is literal, not a GLOB class
  s = Build("NEAR ^x {subject}");
  CHECK(s.params == std::vector<Param>{"(\"NEAR\" AND \"^x\" AND \"{subject}\")"});
}

TEST_CASE("Search SQL: a term without a word is an error, not zero hits", "[index][query]") {
  for (const char* q : {"release ***", "\"\"", "-\"!!\"", "subject:-"}) {
    auto tree = ParseSearchQuery(q);
    INFO("query: " << q);
    REQUIRE(tree.ok());
    auto sql = BuildSearchSql(*tree, "work");
    REQUIRE_FALSE(sql.ok());
    CHECK(sql.status().code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(sql.status().message(), Catch::Contains("has no letters or digits to search for"));
  }
  auto tree = ParseSearchQuery("release —");
  auto no_dash = [](std::string_view t) { return t != "—"; };
  CHECK(BuildSearchSql(*tree, "w", no_dash).status().message() ==
        "search: \"—\" at column 9 has no letters or digits to search for");
}

}  // namespace
}  // namespace mailhoard::index
