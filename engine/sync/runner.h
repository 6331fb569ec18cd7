// The sync engine's entry point: one account, any source, into its
// Archive. Read top-down, a run is:
//   1. open a session and list the folders (retrying transient failures);
//   2. decide per folder from the listing and the index (planner.h), so
//      unchanged folders are never opened; mark folders the source no
//      longer has;
//   3. folder workers, on as many sessions as the work is worth
//      (ConnectionsFor) and the source allows, largest folders first, each
//      folder retried with backoff and resumed where it stopped; a
//      throttle on any session pauses them all (Pacer); a session ended
//      for an expired token is reopened with a fresh one;
//   4. failures recorded per folder, the index batch flushed.
// What happens inside one folder is the source driver's (source_store.h):
// imap_folder_sync.h for IMAP, pop3_sync.h for POP3.
#pragma once

#include <atomic>
#include <functional>

#include "core/clock.h"
#include "core/retry_policy.h"
#include "engine/sync/archive.h"
#include "engine/sync/folder_filter.h"
#include "engine/sync/planner.h"
#include "engine/sync/source_store.h"
#include "engine/sync/sync_result.h"

namespace mailhoard::sync {

struct RunOptions {
  FolderFilter filter;  // over decoded names
  // A one-off narrower run (`sync --folder`): glob patterns, as in the
  // config's include, that a folder must also match; empty: no narrowing.
  // Folders left out are not marked gone.
  std::vector<std::string> only_folders;
  FolderDecisionOptions decisions;
  int connections = 4;  // at most; the source may allow fewer
  RetryPolicy retry;    // per folder, for transient failures and throttling
  // Decide and report; mark no folder gone (the source's SyncFolder
  // writes nothing either).
  bool dry_run = false;
  // Injected so tests need not wait real seconds; null: the real clock.
  Clock* clock = nullptr;
  std::function<void(const ProgressEvent&)> on_progress;
  // Set from a signal handler: workers stop at the next message boundary,
  // leaving a consistent archive.
  const std::atomic<bool>* cancel = nullptr;
};

SyncResult RunSync(Archive& archive, SourceStore& source, const RunOptions& options);

}  // namespace mailhoard::sync
