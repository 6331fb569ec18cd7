// The run history as `status` shows it: the last runs of an account from its
// index's `runs` table (what sync records; see cli/report/run_recorder.h),
// as text lines and as --json.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <vector>

#include "storage/index/run_record.h"

namespace mailhoard::index {
class Index;
}

namespace mailhoard::cli {

// "sent", "failed", "pending", "not needed".
const char* ReportStateName(index::ReportState state);

// When the account last ran and last succeeded. Archives written before the
// run history kept these in the index's meta table (last_run_at,
// last_success_at); they are still read, and the newer of the two wins.
struct LastRunTimes {
  std::optional<int64_t> last_run_at;
  std::optional<int64_t> last_success_at;
};
LastRunTimes ReadLastRunTimes(index::Index& index, const std::vector<index::RunRecord>& newest);

// [{started_at, ended_at, seconds, folders, new_messages, bytes, unfetchable,
//   exit_code, errors: [{folder, error}], report, report_error?}], newest first.
nlohmann::json RunsJson(const std::vector<index::RunRecord>& runs);

// "  recent runs:" and one line per run (errors indented below it).
void PrintRuns(std::ostream& out, const std::vector<index::RunRecord>& runs);

}  // namespace mailhoard::cli
