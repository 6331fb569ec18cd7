// Syncing one POP3 account into its Archive's "INBOX" folder.
//
// keep (default): messages stay on the server; UIDLs already archived are
// skipped, so each run downloads only new mail. With delete_after_days, a
// message archived at least that long ago (messages.created_at) is deleted
// on the server.
// drain: archived messages are deleted on the server.
//
// Never delete before it is safe. The order per run:
//   1. each message: streamed to tmp/, fsynced, renamed into cur/, its row
//      and its UIDL row recorded in the index batch;
//   2. FinishFolder + Flush: the batch is committed (files' directories
//      fsynced first, by Archive);
//   3. only then DELE, then QUIT — the one moment a POP3 server deletes.
// A connection lost before QUIT deletes nothing; the next run skips the
// archived UIDLs and deletes them then.
//
// POP3 has no UIDs: messages get uidvalidity 0 and a synthetic increasing
// uid (the Maildir name carries ,U=<uid>). Before a chunk of downloads the
// planned uid → UIDL pairs are committed to the index meta table, so that
// files a crash leaves in cur/ (adopted by Archive::OpenFolder) are linked
// to their UIDL on the next run instead of being downloaded again.
//
// A server without UIDL: every message is downloaded and de-duplicated by
// the SHA-256 of the stored bytes (Index::FindBySha256), with a warning.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "engine/core/clock.h"
#include "engine/core/retry_policy.h"
#include "engine/pop3/pop3_client.h"
#include "engine/sync/archive.h"
#include "engine/sync/sync_result.h"

namespace mailhoard::sync {

enum class Pop3Mode { kKeep, kDrain };

struct Pop3SyncOptions {
  // endpoint, connect (TLS mode, verification, timeouts),
  // allow_plaintext_login, trace (secrets redacted), line bounds.
  pop3::ClientOptions client;
  auth::Credentials credentials;
  Pop3Mode mode = Pop3Mode::kKeep;
  // keep mode: delete on the server once archived this many days ago.
  std::optional<int> delete_after_days;
  // Connect, log in, list and report; write nothing, delete nothing.
  bool dry_run = false;
  RetryPolicy retry{.attempts = 3};  // sessions, for transient failures
  // Messages per committed chunk (each chunk is one reservation, one flush,
  // and one drained RETR pipeline; a crash re-downloads at most one chunk).
  size_t chunk_messages = 500;
  // Seconds since the epoch; defaults to the Archive's clock.
  std::function<int64_t()> now;
  // Injected so tests need not wait real seconds; null: the real clock.
  Clock* clock = nullptr;
  std::function<void(const ProgressEvent&)> on_progress;
  // Conditions the user should hear about (no UIDL support, ...).
  std::function<void(std::string_view)> on_warning;
  // Set from a signal handler: stops at the next message boundary, before
  // any DELE is sent.
  const std::atomic<bool>* cancel = nullptr;
  // Connects a client; defaults to pop3::Pop3Client::Connect(client).
  std::function<Result<std::unique_ptr<pop3::Pop3Client>>(const pop3::ClientOptions&)> connect;
  // Test hook: called after the DELEs were sent, before QUIT. Calling
  // client.Abort() here simulates a connection lost before QUIT.
  std::function<void(pop3::Pop3Client&)> before_quit;
};

// The one folder is reported as FolderResult "INBOX": fetched/bytes are
// messages stored, `expunged` counts messages deleted on the server,
// `unfetchable` those the server refused to deliver (retried next run).
SyncResult SyncPop3Account(Archive& archive, const Pop3SyncOptions& options);

// The index meta key holding a chunk's planned uid → UIDL pairs.
std::string Pop3ReservationKey(int64_t folder_id);

}  // namespace mailhoard::sync
