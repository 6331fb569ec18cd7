// "What to do" for a run: one sentence per problem, naming the command to
// run or the thing to fix. Shared by the report mail and `check`.
#pragma once

#include <string>
#include <vector>

#include "cli/report/run_summary.h"

namespace mailhoard::cli {

// "authentication needed", "temporary failure", ... (docs/config.md).
const char* ExitMeaning(int exit_code);

// The advice for one account's outcome (empty when nothing is needed).
std::vector<std::string> AccountAdvice(const AccountOutcome& account);

// Every account's advice, plus the disk when it is nearly full.
std::vector<std::string> RunAdvice(const RunSummary& run);

// "the disk holding ~/Mail/hoard has 120.0 MB left (2% free)"
std::string DiskAdvice(const DiskSpace& disk);

}  // namespace mailhoard::cli
