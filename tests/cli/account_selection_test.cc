#include "cli/account_selection.h"

#include <catch2/catch.hpp>

#include "tests/cli/test_util.h"

namespace mailhoard::cli {
namespace {

Config ThreeAccounts() {
  Config c;
  c.source_path = "c.toml";
  for (const char* n : {"work", "home", "legacy"}) {
    AccountConfig a;
    a.name = n;
    c.accounts.push_back(a);
  }
  return c;
}

std::vector<std::string> Names(const std::vector<const AccountConfig*>& v) {
  std::vector<std::string> out;
  for (const auto* a : v) out.push_back(a->name);
  return out;
}

TEST_CASE("no names selects all accounts in config order", "[selection]") {
  const Config c = ThreeAccounts();
  CHECK(Names(*SelectAccounts(c, {})) == std::vector<std::string>{"work", "home", "legacy"});
}

TEST_CASE("named accounts, duplicates collapsed, unknown names suggested", "[selection]") {
  const Config c = ThreeAccounts();
  CHECK(Names(*SelectAccounts(c, {"legacy", "work", "legacy"})) ==
        std::vector<std::string>{"legacy", "work"});
  Result<std::vector<const AccountConfig*>> r = SelectAccounts(c, {"wrok"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == ErrorCode::kInvalidArgument);
  CHECK(r.status().message() == "no account \"wrok\" in c.toml (did you mean \"work\"?)");
  CHECK(SelectAccounts(c, {"zzzzzz"}).status().message() ==
        "no account \"zzzzzz\" in c.toml; accounts: work home legacy");
}

TEST_CASE("shards partition the accounts stably", "[selection]") {
  Config c;
  for (int i = 0; i < 200; ++i) {
    AccountConfig a;
    a.name = "user" + std::to_string(i);
    c.accounts.push_back(a);
  }
  size_t total = 0;
  for (int i = 0; i < 4; ++i) {
    const auto part = *SelectAccounts(c, {}, Shard{i, 4});
    CHECK_FALSE(part.empty());  // 200 names over 4 shards: none is empty
    for (const auto* a : part) CHECK(ShardOf(a->name, 4) == i);
    total += part.size();
  }
  CHECK(total == c.accounts.size());
  // The shard depends on the name only, not on the other accounts.
  const int before = ShardOf("user7", 4);
  c.accounts.erase(c.accounts.begin());
  CHECK(ShardOf("user7", 4) == before);
  CHECK(SelectAccounts(c, {}, Shard{0, 1})->size() == c.accounts.size());
}

TEST_CASE("shard syntax", "[selection]") {
  CHECK(ParseShard("0/4")->index == 0);
  CHECK(ParseShard("3/4")->count == 4);
  for (const char* bad : {"4/4", "-1/4", "1/0", "1", "a/b", "1/4x", "", "/"}) {
    INFO(bad);
    CHECK_FALSE(ParseShard(bad).ok());
  }
  CHECK(ParseShard("4/4").status().message() ==
        "--shard: expected I/N with 0 <= I < N (e.g. 0/4), got \"4/4\"");
}

TEST_CASE("shard \"/N\" takes I from JOB_COMPLETION_INDEX", "[selection]") {
  const EnvLookup indexed = testing::FakeEnv({{"JOB_COMPLETION_INDEX", "2"}});
  Result<Shard> s = ParseShard("/4", indexed);
  REQUIRE(s.ok());
  CHECK(s->index == 2);
  CHECK(s->count == 4);
  CHECK(ParseShard("/2", indexed).status().message() ==
        "--shard: expected I/N with 0 <= I < N (e.g. 0/4), got \"/2\"");
  CHECK(ParseShard("/4", testing::FakeEnv({})).status().message() ==
        "--shard /4: JOB_COMPLETION_INDEX is not set (it is in the pods of a Kubernetes "
        "Indexed Job); elsewhere give I/N");
}

}  // namespace
}  // namespace mailhoard::cli
