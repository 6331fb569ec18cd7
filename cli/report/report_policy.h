// Whether a run's report is mailed: `[report] when`.
#pragma once

#include <optional>

#include "cli/config_types.h"

namespace mailhoard::cli {

// A held lock (73) is a normal, harmless overlap, not a failure.
bool IsFailedRun(int exit_code);

// failure: the run failed. always: every run. changes: the run failed or
// succeeded where the previous run (nullopt: none recorded) did not, or
// failed differently (another exit code) — one mail when it breaks, one
// when it recovers.
bool ShouldSendReport(ReportWhen when, int exit_code, std::optional<int> previous_exit_code);

}  // namespace mailhoard::cli
