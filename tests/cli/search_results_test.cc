#include "cli/commands/search_results.h"

#include <catch2/catch.hpp>

namespace mailhoard::cli {
namespace {

AccountHit Hit(const std::string& account, std::optional<int64_t> date, const std::string& tag) {
  AccountHit h;
  h.account = account;
  h.hit.date = date;
  h.hit.subject = tag;
  return h;
}

std::vector<std::string> Tags(const std::vector<AccountHit>& hits) {
  std::vector<std::string> out;
  for (const AccountHit& h : hits) out.push_back(h.hit.subject);
  return out;
}

TEST_CASE("search results: newest first over accounts, one limit, stable ties", "[cli][search]") {
  std::vector<std::vector<AccountHit>> per_account = {
      {Hit("a", 300, "a300"), Hit("a", 100, "a100x"), Hit("a", 100, "a100y"),
       Hit("a", std::nullopt, "a-undated")},
      {Hit("b", 200, "b200"), Hit("b", 100, "b100"), Hit("b", std::nullopt, "b-undated")},
  };
  CHECK(
      Tags(MergeNewestFirst(per_account, 100)) ==
      std::vector<std::string>{"a300", "b200", "a100x", "a100y", "b100", "a-undated", "b-undated"});
  CHECK(Tags(MergeNewestFirst(per_account, 3)) ==
        std::vector<std::string>{"a300", "b200", "a100x"});
  CHECK(MergeNewestFirst({}, 5).empty());
}

TEST_CASE("search results: flag names and the JSON shape", "[cli][search]") {
  CHECK(FlagNamesOf("DFPRST", "") ==
        std::vector<std::string>{"draft", "flagged", "forwarded", "answered", "seen", "deleted"});
  CHECK(FlagNamesOf("S", "$Label1  Urgent") ==
        std::vector<std::string>{"seen", "$Label1", "Urgent"});
  CHECK(FlagNamesOf("", "").empty());
  CHECK(IsoUtc(0) == "1970-01-01T00:00:00Z");
  CHECK(IsoUtc(1710064800) == "2024-03-10T10:00:00Z");

  AccountHit h = Hit("work", 1710064800, "lunch");
  h.path = "/a/INBOX/cur/1:2,S";
  h.hit.folder_display_name = "INBOX";
  h.hit.from_addr = "Carol <c@example.org>";
  h.hit.size = 1234;
  h.hit.flags = "RS";
  h.hit.keywords = "$Label1";
  CHECK(HitJson(h) == nlohmann::json::parse(R"({
    "account": "work", "folder": "INBOX", "date": "2024-03-10T10:00:00Z",
    "date_unix": 1710064800, "from": "Carol <c@example.org>", "subject": "lunch",
    "size": 1234, "flags": ["answered", "seen", "$Label1"], "path": "/a/INBOX/cur/1:2,S"})"));
  h.hit.date.reset();
  CHECK(HitJson(h)["date"].is_null());
  CHECK(HitJson(h)["date_unix"].is_null());
}

}  // namespace
}  // namespace mailhoard::cli
