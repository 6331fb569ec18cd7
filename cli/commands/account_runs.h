// Running many accounts in one `sync`: up to `parallel_accounts` at once
// (each mailbox keeps its own connection cap and throttle), output kept per
// account, and a summary of the whole run.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands/command_context.h"

namespace mailhoard::cli {

// Calls run(i) for each i in [0, count) on at most `parallel` threads
// (parallel <= 1: in this thread), starting them in index order. No run
// starts once stop() is true. Returns which indexes ran.
std::vector<bool> ForEachAccount(size_t count, int parallel, const std::function<bool()>& stop,
                                 const std::function<void(size_t)>& run);

// What one account writes while others run beside it: held back and written
// to the parent's streams in one piece by Flush(), so lines of different
// mailboxes never interleave. With `pass_through` it writes straight to the
// parent (one account at a time: the live progress line stays).
class AccountOutput {
 public:
  AccountOutput(CommandContext& parent, bool pass_through);
  CommandContext& ctx() { return pass_through_ ? parent_ : *local_; }
  bool buffered() const { return !pass_through_; }
  // Writes what was held back (under a process-wide lock).
  void Flush();

 private:
  CommandContext& parent_;
  bool pass_through_;
  std::ostringstream out_;
  std::ostringstream err_;
  std::unique_ptr<CommandContext> local_;
};

// The run's summary: {"accounts": n, "ok": n, "failed": n, "exit_codes":
// {"77": ["contoso/a@b", ...], ...}} over sync's per-account results (each
// with "name" and "exit_code").
nlohmann::json RunSummaryJson(const nlohmann::json& accounts);
// "sync: 200 accounts, 199 ok, 1 failed (exit 77: contoso/x@contoso.com)".
std::string RunSummaryText(const nlohmann::json& summary);

}  // namespace mailhoard::cli
