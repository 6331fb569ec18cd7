#include "cli/commands/progress_display.h"

#include <unistd.h>

#include <cstdio>

namespace mailhoard::cli {

ProgressDisplay::ProgressDisplay(CommandContext& ctx, std::string account, bool live_allowed)
    : ctx_(ctx),
      account_(std::move(account)),
      live_(live_allowed && !ctx.quiet && !ctx.json && isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()) {}

void ProgressDisplay::Update(const sync::ProgressEvent& e) {
  std::lock_guard<std::mutex> lock(mu_);
  auto now = std::chrono::steady_clock::now();
  if (e.paused.count() > 0) {
    // Worth a line even under cron: it explains a slow run.
    if (ctx_.quiet || ctx_.json) return;
    char line[256];
    snprintf(line, sizeof line,
             "%s%s: the server is throttling this mailbox; all connections paused for %.1f s\n",
             drawn_ ? "\r\033[K" : "", account_.c_str(),
             std::chrono::duration<double>(e.paused).count());
    ctx_.err << line << std::flush;
    drawn_ = false;
    return;
  }
  if (e.folder_finished) {
    bytes_total_ += e.bytes_done;
    if (!live_ && ctx_.verbose > 0 && !ctx_.quiet && !ctx_.json) {
      ctx_.err << account_ << ": " << e.folder << ": " << e.messages_done << " new ("
               << e.bytes_done / 1000 << " kB)\n";
    }
  }
  if (!live_ || (now - last_draw_ < std::chrono::milliseconds(100) && !e.folder_finished)) return;
  last_draw_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  double mb = static_cast<double>(bytes_total_ + (e.folder_finished ? 0 : e.bytes_done)) / 1e6;
  char line[256];
  if (e.messages_total > 0) {
    snprintf(line, sizeof line, "\r\033[K%s: %s %llu/%llu, %.1f MB, %.1f MB/s", account_.c_str(),
             e.folder.c_str(), static_cast<unsigned long long>(e.messages_done),
             static_cast<unsigned long long>(e.messages_total), mb, secs > 0 ? mb / secs : 0.0);
  } else {
    snprintf(line, sizeof line, "\r\033[K%s: %s %llu, %.1f MB, %.1f MB/s", account_.c_str(),
             e.folder.c_str(), static_cast<unsigned long long>(e.messages_done), mb,
             secs > 0 ? mb / secs : 0.0);
  }
  ctx_.err << line << std::flush;
  drawn_ = true;
}

void ProgressDisplay::Done() {
  std::lock_guard<std::mutex> lock(mu_);
  if (drawn_) ctx_.err << "\r\033[K" << std::flush;
}

}  // namespace mailhoard::cli
