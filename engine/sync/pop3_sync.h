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
// planned uid → UIDL pairs are committed (Archive::ReservePop3Uids), so that
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

#include "engine/pop3/pop3_client.h"
#include "engine/sync/archive.h"
#include "engine/sync/runner.h"
#include "engine/sync/source_store.h"
#include "engine/sync/sync_result.h"

namespace mailhoard::sync {

enum class Pop3Mode { kKeep, kDrain };

struct Pop3SyncOptions : RunOptions {
  Pop3SyncOptions() {
    retry.attempts = 3;  // sessions, for transient failures
    connections = 1;
  }
  // endpoint, connect (TLS mode, verification, timeouts),
  // allow_plaintext_login, trace (secrets redacted), line bounds.
  pop3::ClientOptions client;
  auth::Credentials credentials;
  Pop3Mode mode = Pop3Mode::kKeep;
  // keep mode: delete on the server once archived this many days ago.
  std::optional<int> delete_after_days;
  // Messages per committed chunk (each chunk is one reservation, one flush,
  // and one drained RETR pipeline; a crash re-downloads at most one chunk).
  size_t chunk_messages = 500;
  // Conditions the user should hear about (no UIDL support, ...).
  std::function<void(std::string_view)> on_warning;
  // Connects a client; defaults to pop3::Pop3Client::Connect(client).
  std::function<Result<std::unique_ptr<pop3::Pop3Client>>(const pop3::ClientOptions&)> connect;
  // Test hook: called after the DELEs were sent, before QUIT. Calling
  // client.Abort() here simulates a connection lost before QUIT.
  std::function<void(pop3::Pop3Client&)> before_quit;
};

// The POP3 source driver: one folder, INBOX, one session at a time (a
// POP3 server locks the maildrop). dry_run: sign in, list and report;
// write nothing, delete nothing.
class Pop3Source : public SourceStore {
 public:
  explicit Pop3Source(const Pop3SyncOptions& options) : o_(options) {}
  Result<std::unique_ptr<SourceSession>> Open(Pacer& pacer, bool fresh_token,
                                              std::vector<SourceFolder>* listing) override;
  int max_sessions() const override { return 1; }

 private:
  const Pop3SyncOptions& o_;
};

// The one folder is reported as FolderResult "INBOX": fetched/bytes are
// messages stored, `expunged` counts messages deleted on the server,
// `unfetchable` those the server refused to deliver (retried next run).
// RunSync over a Pop3Source.
SyncResult SyncPop3Account(Archive& archive, const Pop3SyncOptions& options);

}  // namespace mailhoard::sync
