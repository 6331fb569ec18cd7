// Syncing one IMAP account into its Archive: list with status, decide per
// folder (planner), then folder workers on up to `connections` connections,
// largest folders first, each retrying transient failures with backoff and
// resuming where it stopped. A throttle on any connection pauses them all
// (ThrottleGate); a session ended for an expired token is reopened with a
// fresh one.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>

#include "engine/core/clock.h"
#include "engine/core/retry_policy.h"
#include "engine/imap/client/imap_client.h"
#include "engine/sync/archive.h"
#include "engine/sync/folder_filter.h"
#include "engine/sync/planner.h"
#include "engine/sync/sync_result.h"

namespace mailhoard::sync {

struct ImapSyncOptions {
  imap::ClientOptions client;
  auth::Credentials credentials;
  FolderFilter filter;
  // Local renames: decoded remote name → name of the local folder.
  std::map<std::string, std::string> renames;
  Policy policy = Policy::kArchive;
  FolderDecisionOptions decisions;
  int connections = 4;
  RetryPolicy retry;  // per folder, for transient failures and throttling
  bool dry_run = false;
  // Injected so tests need not wait real seconds; null: the real clock.
  Clock* clock = nullptr;
  std::function<void(const ProgressEvent&)> on_progress;
  // Set from a signal handler: workers stop at the next message boundary,
  // leaving a consistent archive.
  const std::atomic<bool>* cancel = nullptr;
  // Connects a client; defaults to imap::ImapClient::Connect(client).
  std::function<Result<std::unique_ptr<imap::ImapClient>>(const imap::ClientOptions&)> connect;
};

SyncResult SyncImapAccount(Archive& archive, const ImapSyncOptions& options);

}  // namespace mailhoard::sync
