// What a sync run did, per folder and in total: for the CLI's summary, its
// JSON output, exit codes, and the index's last-error columns.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/sync/planner.h"

namespace mailhoard::sync {

struct FolderResult {
  std::string name;  // decoded UTF-8
  FolderAction action = FolderAction::kSkip;
  uint64_t fetched = 0;  // messages downloaded and stored
  uint64_t bytes = 0;    // bytes of those
  uint64_t flag_updates = 0;
  uint64_t expunged = 0;     // marked (archive) or removed (mirror)
  uint64_t remapped = 0;     // UIDVALIDITY change: re-identified, not downloaded
  uint64_t adopted = 0;      // found in cur/ after a crash, not downloaded
  uint64_t unfetchable = 0;  // the server would not deliver them (retried next run)
  int attempts = 0;
  Status status;  // not OK: this folder failed
};

struct SyncResult {
  std::vector<FolderResult> folders;
  Status status;  // account-level failure (connect, login, LIST)
  uint64_t folders_listed = 0;
  uint64_t folders_skipped = 0;  // unchanged: not even opened
  int sign_in_attempts = 0;      // of the session that lists
  // Folders archived before that the server no longer lists (display
  // names): marked gone this run, their mail kept.
  std::vector<std::string> folders_gone;

  bool ok() const;
  uint64_t failed_folders() const;
  uint64_t fetched() const;
  uint64_t bytes() const;
  uint64_t flag_updates() const;
  uint64_t expunged() const;
};

// Progress events, from any worker thread.
struct ProgressEvent {
  std::string folder;
  uint64_t messages_done = 0;
  uint64_t messages_total = 0;  // estimate; 0 if unknown
  uint64_t bytes_done = 0;
  bool folder_finished = false;
  // Not zero: the server throttled the account, and every connection of it
  // waits this long (the other fields are empty).
  std::chrono::milliseconds paused{0};
};

// A Pacer's pause callback that reports each throttle window as a
// ProgressEvent (nothing when `on_progress` is empty).
inline std::function<void(std::chrono::milliseconds)> ReportPauses(
    const std::function<void(const ProgressEvent&)>& on_progress) {
  return [&on_progress](std::chrono::milliseconds window) {
    if (!on_progress) return;
    ProgressEvent e;
    e.paused = window;
    on_progress(e);
  };
}

}  // namespace mailhoard::sync
