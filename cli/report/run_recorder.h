// What `sync` does once every account has run: record each account's run
// in its index's history, and mail the report when [report] asks for one.
// A report that cannot be sent is printed, recorded, and changes the exit
// code only of a run that was otherwise fine, so it never hides the run's
// own result.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "cli/commands/command_context.h"
#include "cli/config_types.h"

namespace mailhoard::cli {

struct RunRecorderInput {
  const Config* config = nullptr;
  std::vector<const AccountConfig*> accounts;  // those that ran, in order
  // sync's --json "accounts" array (name, exit_code, error, folders, …,
  // plus started_at / ended_at), one entry per account above.
  const nlohmann::json* results = nullptr;
  int exit_code = 0;             // the run's worst code
  std::function<int64_t()> now;  // Unix seconds
};

// Returns the exit code for the process.
int RecordRunAndReport(CommandContext& ctx, const RunRecorderInput& input);

}  // namespace mailhoard::cli
