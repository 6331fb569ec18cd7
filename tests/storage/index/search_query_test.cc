#include "storage/index/search_query.h"

#include <catch2/catch.hpp>

namespace mailhoard::index {
namespace {

SearchQuery Parse(std::string_view q) {
  auto r = ParseSearchQuery(q);
  REQUIRE(r.ok());
  return *r;
}

TEST_CASE("Bare words and phrases become quoted FTS strings", "[index][query]") {
  CHECK(Parse("invoice").fts_match == "\"invoice\"");
  CHECK(Parse("  invoice   march ").fts_match == "\"invoice\" AND \"march\"");
  CHECK(Parse("\"quarterly report\" draft").fts_match == "\"quarterly report\" AND \"draft\"");
  CHECK(Parse("repo*").fts_match == "\"repo\" *");
  CHECK(Parse("").fts_match.empty());
}

TEST_CASE("Field prefixes become column filters", "[index][query]") {
  CHECK(Parse("from:alice").fts_match == "from_addr : \"alice\"");
  CHECK(Parse("To:bob cc:carol").fts_match == "to_addr : \"bob\" AND cc_addr : \"carol\"");
  CHECK(Parse("subject:\"weekly digest\"").fts_match == "subject : \"weekly digest\"");
  // Unknown prefixes are just text.
  CHECK(Parse("foo:bar").fts_match == "\"foo:bar\"");
}

TEST_CASE("Dates become a half-open UTC range", "[index][query]") {
  SearchQuery q = Parse("after:2024-01-01 before:2024-02-01 report");
  CHECK(q.fts_match == "\"report\"");
  CHECK(q.date_from == 1704067200);
  CHECK(q.date_until == 1706745600);
  CHECK(ParseIsoDate("1970-01-01") == 0);
  CHECK(ParseIsoDate("2000-02-29") == 951782400);
  CHECK_FALSE(ParseIsoDate("2023-02-29"));
  CHECK_FALSE(ParseIsoDate("2023-13-01"));
  CHECK_FALSE(ParseIsoDate("2023-1-01"));
  // The tighter bound wins when repeated.
  CHECK(Parse("before:2024-02-01 before:2024-01-15").date_until == 1705276800);
  auto bad = ParseSearchQuery("before:yesterday");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == ErrorCode::kInvalidArgument);
  CHECK_THAT(bad.status().message(), Catch::Contains("YYYY-MM-DD"));
}

TEST_CASE("Hostile input cannot escape the FTS string", "[index][query]") {
  CHECK(Parse("NEAR(a b)").fts_match == "\"NEAR(a\" AND \"b)\"");
  CHECK(Parse("a\"b").fts_match == "\"ab\"");
  CHECK(Parse("subject:x\"\" OR y").fts_match == "subject : \"x\" AND \"OR\" AND \"y\"");
  CHECK(Parse("\"NEAR(a b, 2)\"").fts_match == "\"NEAR(a b, 2)\"");
  // Terms without any letter or digit would be empty phrases: dropped.
  CHECK(Parse("* \" () ^ - :").fts_match.empty());
  CHECK(Parse("from:").fts_match.empty());
}

}  // namespace
}  // namespace mailhoard::index
