// Progress of a sync as the user sees it: one live line on a terminal
// (folder, messages, MB, rate), plain per-folder lines with -v otherwise
// (cron mail, journald), nothing with -q or --json.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "cli/commands/command_context.h"
#include "engine/sync/sync_result.h"

namespace mailhoard::cli {

class ProgressDisplay {
 public:
  // live_allowed = false: never the live line (accounts running side by
  // side would overwrite each other's).
  ProgressDisplay(CommandContext& ctx, std::string account, bool live_allowed = true);
  // From any worker thread.
  void Update(const sync::ProgressEvent& event);
  // Clears the live line.
  void Done();

 private:
  CommandContext& ctx_;
  std::string account_;
  bool live_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
  uint64_t bytes_total_ = 0;  // finished folders
  bool drawn_ = false;
};

}  // namespace mailhoard::cli
