#include "cli/report/report_policy.h"

#include "cli/exit_codes.h"

namespace mailhoard::cli {

bool IsFailedRun(int exit_code) { return exit_code != kExitOk && exit_code != kExitLocked; }

bool ShouldSendReport(ReportWhen when, int exit_code, std::optional<int> previous_exit_code) {
  switch (when) {
    case ReportWhen::kAlways:
      return true;
    case ReportWhen::kFailure:
      return IsFailedRun(exit_code);
    case ReportWhen::kChanges: {
      if (!previous_exit_code) return IsFailedRun(exit_code);
      bool failed = IsFailedRun(exit_code), was_failed = IsFailedRun(*previous_exit_code);
      if (failed != was_failed) return true;
      return failed && exit_code != *previous_exit_code;
    }
  }
  return true;
}

}  // namespace mailhoard::cli
