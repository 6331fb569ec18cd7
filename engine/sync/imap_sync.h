// Syncing one IMAP account into its Archive: list with status, decide per
// folder (planner), then folder workers on up to `connections` connections,
// largest folders first, each retrying transient failures with backoff and
// resuming where it stopped.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>

#include "engine/imap/client/imap_client.h"
#include "engine/sync/archive.h"
#include "engine/sync/folder_filter.h"
#include "engine/sync/planner.h"
#include "engine/sync/sync_result.h"

namespace mailhoard::sync {

struct ImapSyncOptions {
  imap::ClientOptions client;
  imap::Credentials credentials;
  FolderFilter filter;
  // Local renames: decoded remote name → name of the local folder.
  std::map<std::string, std::string> renames;
  Policy policy = Policy::kArchive;
  FolderDecisionOptions decisions;
  int connections = 4;
  int attempts = 4;  // per folder, for transient failures
  std::chrono::milliseconds backoff{500};
  bool dry_run = false;
  // Injected so tests need not wait real seconds.
  std::function<void(std::chrono::milliseconds)> sleep;
  std::function<void(const ProgressEvent&)> on_progress;
  // Set from a signal handler: workers stop at the next message boundary,
  // leaving a consistent archive.
  const std::atomic<bool>* cancel = nullptr;
  // Connects a client; defaults to imap::ImapClient::Connect(client).
  std::function<Result<std::unique_ptr<imap::ImapClient>>(const imap::ClientOptions&)> connect;
};

SyncResult SyncImapAccount(Archive& archive, const ImapSyncOptions& options);

}  // namespace mailhoard::sync
