// Run history: stored with its errors, read newest first, report outcome
// updated, and bounded to kRunHistoryLimit rows.
#include <catch2/catch.hpp>

#include "storage/index/index.h"
#include "tests/storage/index/index_test_util.h"
#include "tests/storage/index/test_util.h"

namespace mailhoard::index {
namespace {

using testing::OpenIndex;
using testing::TempDir;

RunRecord Run(int64_t at, int exit_code) {
  RunRecord r;
  r.started_at = at;
  r.ended_at = at + 5;
  r.account = "work";
  r.folders = 3;
  r.new_messages = 7;
  r.bytes = 12345;
  r.exit_code = exit_code;
  return r;
}

TEST_CASE("Run history: insert, list newest first, report outcome", "[index][runs]") {
  TempDir dir;
  auto index = OpenIndex(dir.File("index.db"));
  RunRecord failed = Run(1000, 1);
  failed.unfetchable = 2;
  failed.errors = {{"Lists", "network: connection reset"}, {"", "warning: disk"}};
  auto first = index->InsertRun(failed);
  REQUIRE(first.ok());
  auto second = index->InsertRun(Run(2000, 0));
  REQUIRE(second.ok());
  REQUIRE(index->SetRunReport(*first, ReportState::kFailed, "smtp: 535").ok());

  auto runs = index->ListRuns(10);
  REQUIRE(runs.ok());
  REQUIRE(runs->size() == 2);
  CHECK((*runs)[0].started_at == 2000);
  CHECK((*runs)[0].errors.empty());
  CHECK((*runs)[0].report == ReportState::kNotNeeded);
  const RunRecord& r = (*runs)[1];
  CHECK(r.account == "work");
  CHECK(r.ended_at == 1005);
  CHECK(r.folders == 3);
  CHECK(r.new_messages == 7);
  CHECK(r.bytes == 12345);
  CHECK(r.unfetchable == 2);
  CHECK(r.exit_code == 1);
  CHECK(r.report == ReportState::kFailed);
  CHECK(r.report_error == "smtp: 535");
  REQUIRE(r.errors.size() == 2);
  CHECK(r.errors[0].folder == "Lists");
  CHECK(r.errors[0].error == "network: connection reset");
  CHECK(r.errors[1].folder.empty());

  CHECK(index->ListRuns(1)->size() == 1);
  CHECK(!index->SetRunReport(999, ReportState::kSent, "").ok());
}

TEST_CASE("Run history: the end of the newest successful run", "[index][runs]") {
  TempDir dir;
  auto index = OpenIndex(dir.File("index.db"));
  CHECK(index->LastSuccessfulRunEnd()->has_value() == false);
  REQUIRE(index->InsertRun(Run(1000, 1)).ok());
  CHECK(index->LastSuccessfulRunEnd()->has_value() == false);
  REQUIRE(index->InsertRun(Run(2000, 0)).ok());
  REQUIRE(index->InsertRun(Run(3000, 0)).ok());
  REQUIRE(index->InsertRun(Run(4000, 75)).ok());
  auto last = index->LastSuccessfulRunEnd();
  REQUIRE(last.ok());
  CHECK(*last == std::optional<int64_t>(3005));
}

TEST_CASE("Run history is bounded", "[index][runs]") {
  TempDir dir;
  auto index = OpenIndex(dir.File("index.db"));
  REQUIRE(index->BeginBatch().ok());
  for (int i = 0; i < kRunHistoryLimit + 25; ++i) {
    RunRecord r = Run(i, 1);
    r.errors = {{"INBOX", "e" + std::to_string(i)}};
    REQUIRE(index->InsertRun(r).ok());
  }
  REQUIRE(index->CommitBatch().ok());
  auto runs = index->ListRuns(kRunHistoryLimit * 2);
  REQUIRE(runs.ok());
  CHECK(runs->size() == static_cast<size_t>(kRunHistoryLimit));
  CHECK(runs->back().started_at == 25);
  CHECK(runs->back().errors.at(0).error == "e25");
}

}  // namespace
}  // namespace mailhoard::index
