#include "cli/commands/account_runs.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>

#include "tests/support/wait_until.h"

namespace mailhoard::cli {
namespace {

TEST_CASE("accounts run at most parallel_accounts at once, each exactly once", "[tenant]") {
  for (int parallel : {1, 3, 16}) {
    INFO(parallel);
    std::atomic<int> running{0};
    std::atomic<int> peak{0};
    std::vector<std::atomic<int>> runs(40);
    std::atomic<bool> gave_up{false};
    std::vector<bool> ran = ForEachAccount(
        runs.size(), parallel, [] { return false; },
        [&](size_t i) {
          const int now = ++running;
          int p = peak.load();
          while (now > p && !peak.compare_exchange_weak(p, now)) {
          }
          // With more than one slot, a run waits until another runs beside
          // it: the overlap checked below is then certain, not a matter of
          // how the threads happened to be scheduled.
          if (parallel > 1 && !gave_up &&
              !mailhoard::testing::WaitUntil([&] { return peak.load() > 1; },
                                             std::chrono::seconds(30))) {
            gave_up = true;
          }
          ++runs[i];
          --running;
        });
    for (auto& r : runs) CHECK(r.load() == 1);
    CHECK(std::count(ran.begin(), ran.end(), true) == 40);
    CHECK(peak.load() <= parallel);
    if (parallel > 1) CHECK(peak.load() > 1);
  }
}

TEST_CASE("no account starts after a stop", "[tenant]") {
  std::atomic<bool> stop{false};
  std::atomic<int> count{0};
  std::vector<bool> ran = ForEachAccount(
      10, 2, [&] { return stop.load(); },
      [&](size_t) {
        if (++count == 3) stop = true;
      });
  CHECK(count.load() <= 4);
  CHECK(std::count(ran.begin(), ran.end(), true) == count.load());
}

TEST_CASE("buffered account output arrives in one piece", "[tenant]") {
  std::ostringstream out, err;
  CommandContext parent(out, err);
  parent.verbose = 2;
  AccountOutput a(parent, false);
  a.ctx().out << "a: 1 new message\n";
  a.ctx().PrintWarning("a: careful");
  CHECK(a.ctx().verbose == 2);
  CHECK(out.str().empty());
  a.Flush();
  CHECK(out.str() == "a: 1 new message\n");
  CHECK(err.str() == "mailhoard: warning: a: careful\n");
  AccountOutput b(parent, true);
  CHECK(&b.ctx() == &parent);
}

TEST_CASE("run summary counts and names failures by exit code", "[tenant]") {
  nlohmann::json accounts = nlohmann::json::array();
  for (int i = 0; i < 9; ++i) {
    accounts.push_back({{"name", "t/u" + std::to_string(i) + "@x.org"}, {"exit_code", 77}});
  }
  accounts.push_back({{"name", "t/ok@x.org"}, {"exit_code", 0}});
  accounts.push_back({{"name", "t/busy@x.org"}, {"exit_code", 73}});
  nlohmann::json s = RunSummaryJson(accounts);
  CHECK(s["accounts"] == 11);
  CHECK(s["ok"] == 1);
  CHECK(s["failed"] == 10);
  CHECK(s["exit_codes"]["73"] == nlohmann::json::array({"t/busy@x.org"}));
  CHECK(s["exit_codes"]["77"].size() == 9);
  CHECK(RunSummaryText(s) ==
        "sync: 11 accounts, 1 ok, 10 failed (exit 73: t/busy@x.org; exit 77: t/u0@x.org "
        "t/u1@x.org t/u2@x.org t/u3@x.org t/u4@x.org and 4 more)");
}

}  // namespace
}  // namespace mailhoard::cli
