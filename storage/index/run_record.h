// One row of the run history: how one account's unattended run went, for
// `status` and `mailhoard check`. Storage vocabulary only; times are Unix
// seconds supplied by the caller.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mailhoard::index {

// Whether the run's report mail went out.
enum class ReportState { kNotNeeded = 0, kSent = 1, kFailed = 2, kPending = 3 };

struct RunError {
  std::string folder;  // empty: the account as a whole (login, lock, disk)
  std::string error;   // plain words, as printed
};

struct RunRecord {
  int64_t id = 0;  // assigned by InsertRun
  int64_t started_at = 0;
  int64_t ended_at = 0;
  std::string account;
  int folders = 0;  // folders the run worked on
  uint64_t new_messages = 0;
  uint64_t bytes = 0;
  uint64_t unfetchable = 0;
  int exit_code = 0;
  ReportState report = ReportState::kNotNeeded;
  std::string report_error;  // why the report could not be sent
  std::vector<RunError> errors;
};

// The history keeps this many runs per account; older rows are dropped on
// insert (a 15-minute timer fills it in about ten days).
inline constexpr int kRunHistoryLimit = 1000;

}  // namespace mailhoard::index
