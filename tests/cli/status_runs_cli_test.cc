// `status` shows the run history from the index's `runs` table (what sync
// records at its end), as text and --json, through the real binary; `sync`
// no longer keeps a copy of the same facts in the meta table, and an archive
// written before the history existed still shows its last success.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/account_lock.h"
#include "storage/index/index.h"
#include "tests/cli/cli_harness.h"
#include "tests/support/loopback.h"

namespace mailhoard::cli::testing {
namespace {

using mailhoard::testing::DovecotServer;

// A port nothing listens on: a sync against it fails (exit 75).
uint16_t ClosedLoopbackPort() {
  uint16_t port = 0;
  close(mailhoard::testing::ListenLoopback(&port));
  return port;
}

std::unique_ptr<index::Index> OpenIndex(const CliHarness& h, bool create = false) {
  index::IndexOptions o;
  o.create_if_missing = create;
  auto idx = index::Index::Open(h.account_dir() + "/.mailhoard.sqlite", o);
  REQUIRE(idx.ok());
  return std::move(idx).value();
}

TEST_CASE("status names the run in progress: its pid and when it started", "[integration]") {
  CliHarness h(DovecotServer::Shared());
  h.server().Deliver(h.user().name, "INBOX", "Subject: one\r\n\r\nfirst\r\n");
  auto ok = h.Run({"sync"});
  INFO(ok.out << ok.err);
  REQUIRE(ok.exit_code == 0);
  auto idle = nlohmann::json::parse(h.Run({"--json", "status", "t"}).out);
  CHECK(idle["accounts"][0]["running"].is_null());
  {
    // This test process stands in for a sync holding the account's lock.
    auto lock = AccountLock::Acquire(h.account_dir(), "t");
    REQUIRE(lock.ok());
    auto text = h.Run({"status", "t"});
    INFO(text.out << text.err);
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("  in progress: pid " + std::to_string(getpid()) + ", started ") !=
          std::string::npos);
    auto j = nlohmann::json::parse(h.Run({"--json", "status", "t"}).out);
    CHECK(j["accounts"][0]["running"]["pid"] == getpid());
    CHECK(j["accounts"][0]["running"]["since"].get<int64_t>() > 0);
  }
  auto after = h.Run({"status", "t"});
  CHECK(after.out.find("in progress") == std::string::npos);
}

TEST_CASE("status lists the last runs: start, duration, new messages, bytes, exit, errors, report",
          "[integration]") {
  CliHarness h(DovecotServer::Shared());
  h.server().Deliver(h.user().name, "INBOX", "Subject: one\r\n\r\nfirst\r\n");
  h.server().Deliver(h.user().name, "INBOX", "Subject: two\r\n\r\nsecond\r\n");
  auto ok = h.Run({"sync"});
  INFO(ok.out << ok.err);
  REQUIRE(ok.exit_code == 0);
  h.WriteConfig(ClosedLoopbackPort());
  auto failed = h.Run({"sync"});
  INFO(failed.out << failed.err);
  REQUIRE(failed.exit_code == 75);
  h.WriteConfig(0);

  auto text = h.Run({"status", "t"});
  INFO(text.out << text.err);
  CHECK(text.exit_code == 0);
  size_t runs = text.out.find("\n  recent runs (newest first):\n    ");
  REQUIRE(runs != std::string::npos);
  size_t newest = text.out.find(": exit 75, 0 new (0.0 MB), 1 error\n      ", runs);
  size_t older = text.out.find(": exit 0, 2 new (0.0 MB)\n", runs);
  CHECK(newest != std::string::npos);
  CHECK(older != std::string::npos);
  CHECK(newest < older);
  CHECK(text.out.find("  last run: ") != std::string::npos);  // it failed after the success

  auto j = nlohmann::json::parse(h.Run({"--json", "status", "t"}).out);
  const auto& a = j["accounts"][0];
  REQUIRE(a["runs"].size() == 2);
  const auto& r0 = a["runs"][0];
  const auto& r1 = a["runs"][1];
  CHECK(r0["exit_code"] == 75);
  CHECK(r0["new_messages"] == 0);
  REQUIRE(r0["errors"].size() == 1);
  CHECK(r0["errors"][0]["folder"] == "");
  CHECK_FALSE(r0["errors"][0]["error"].get<std::string>().empty());
  CHECK(r0["report"] == "not needed");
  CHECK(r1["exit_code"] == 0);
  CHECK(r1["new_messages"] == 2);
  CHECK(r1["bytes"].get<uint64_t>() > 0);
  CHECK(r1["errors"].empty());
  CHECK(r1["seconds"].get<int64_t>() >= 0);
  CHECK(r1["started_at"].get<int64_t>() <= r0["started_at"].get<int64_t>());
  CHECK(a["last_success_at"] == r1["ended_at"]);
  CHECK(a["last_run_at"] == r0["ended_at"]);

  auto one = nlohmann::json::parse(h.Run({"--json", "status", "--runs", "1", "t"}).out);
  CHECK(one["accounts"][0]["runs"].size() == 1);
  auto none = h.Run({"status", "--runs", "0", "t"});
  CHECK(none.out.find("recent runs") == std::string::npos);

  // The runs table carries these facts now; sync writes no copy of them.
  auto idx = OpenIndex(h);
  for (const char* key : {"last_run_at", "last_run_result", "last_success_at"}) {
    INFO(key);
    auto v = idx->GetMeta(key);
    REQUIRE(v.ok());
    CHECK_FALSE(v->has_value());
  }
}

TEST_CASE("an archive from before the run history: status still shows its last success",
          "[integration]") {
  CliHarness h(DovecotServer::Shared());
  // What an older mailhoard left: the times in the meta table, no runs.
  std::filesystem::create_directories(h.account_dir());
  {
    auto idx = OpenIndex(h, /*create=*/true);
    REQUIRE(idx->SetMeta("last_success_at", "1796000000").ok());
    REQUIRE(idx->SetMeta("last_run_at", "1796000000").ok());
    REQUIRE(idx->SetMeta("last_run_result", R"({"name":"t","exit_code":0})").ok());
  }
  auto j = nlohmann::json::parse(h.Run({"--json", "status", "t"}).out);
  const auto& a = j["accounts"][0];
  CHECK(a["last_success_at"] == 1796000000);
  CHECK(a["last_run_at"] == 1796000000);
  CHECK(a["runs"].empty());
  auto text = h.Run({"status", "t"});
  CHECK(text.out.find("last successful sync: 2026-11-30 00:53 UTC") != std::string::npos);

  // The first run of this version is newer, and wins.
  REQUIRE(h.Run({"sync"}).exit_code == 0);
  j = nlohmann::json::parse(h.Run({"--json", "status", "t"}).out);
  CHECK(j["accounts"][0]["last_success_at"].get<int64_t>() > 1796000000);
  CHECK(j["accounts"][0]["runs"].size() == 1);
}

}  // namespace
}  // namespace mailhoard::cli::testing
