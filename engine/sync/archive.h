// Archive: one account's local store as the sync engine sees it — the
// Maildir tree and the SQLite index, kept in agreement, protocol-agnostic
// (IMAP and POP3 syncs both write through it).
//
// Crash order, enforced here: a message is streamed to tmp/, fsynced,
// renamed into cur/ (MessageWriter); the directories are fsynced once per
// batch (Maildir::SyncBatch) and only then is the index transaction that
// records the batch committed. A crash in between leaves files in cur/ that
// the index does not know; OpenFolder() adopts them without a download.
//
// Thread-safe: folder workers write messages in parallel; index writes are
// serialised (one writer) and grouped into batches.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "engine/sync/flag_set.h"
#include "engine/sync/planner.h"
#include "storage/index/index.h"
#include "storage/maildir/folder_path.h"
#include "storage/maildir/maildir.h"

namespace mailhoard::sync {

struct ArchiveOptions {
  std::string account_dir;  // <archive root>/<account>
  maildir::Layout layout = maildir::Layout::kMaildirPlusPlus;
  maildir::Durability durability = maildir::Durability::kBatch;
  maildir::LineEndings line_endings = maildir::LineEndings::kAsIs;
  // A batch is committed after this many messages or bytes, whichever first:
  // bounds what a crash can cost (re-adoption, not re-download) and keeps
  // fsyncs of directories rare.
  size_t batch_messages = 2000;
  uint64_t batch_bytes = 128ull << 20;
  size_t max_body_text = 256 * 1024;  // per message, for full-text search
  // Gmail shows one message in every folder (label) it carries: store such
  // copies once, as hard links to one file, matched by SHA-256.
  bool dedupe = false;
  // Stamps what the index records (archived at, synced at, gone since,
  // pushed at); null: the real clock. The same Clock the runner's retries
  // and throttle waits and the OAuth expiry use, so a test injects one.
  Clock* clock = nullptr;
  maildir::FileSystem* fs = nullptr;  // null: the real file system

  int64_t now() const;  // Unix seconds, from `clock`
};

// What the server says a folder is.
struct RemoteFolderInfo {
  std::string remote_name;   // raw, as the server names it
  std::string display_name;  // decoded UTF-8
  std::optional<char> delimiter;
  std::string special_use;
  // The name the local directory is made from, when the user renamed the
  // folder locally ("Sent Items" → "Sent"); empty: display_name.
  std::string local_name;
};

// A folder opened for syncing.
struct ArchiveFolder {
  int64_t id = 0;
  std::string local_path;
  RemoteFolderInfo remote;
  index::FolderRecord record;  // as it was when opened
  size_t adopted = 0;          // files found in cur/ and adopted into the index
};

// The per-message facts the protocol delivers along with the bytes.
struct IncomingMeta {
  uint32_t uidvalidity = 0;
  uint32_t uid = 0;
  FlagSet flags;
  std::optional<int64_t> internal_date;
  uint64_t modseq = 0;
  std::optional<uint64_t> gm_msgid;
};

class Archive;

// One message being written. Write() the bytes as they arrive, then
// Commit(); destroying it uncommitted discards the partial file.
class IncomingMessage {
 public:
  ~IncomingMessage();
  Status Write(const char* data, size_t len);
  // Delivers the file and records it (in the current batch). Returns the
  // index row id.
  Result<int64_t> Commit(const IncomingMeta& meta);
  uint64_t size() const;
  // The decoded Subject, once the header has been seen.
  std::string Subject() const;

 private:
  friend class Archive;
  struct State;
  IncomingMessage(Archive* archive, ArchiveFolder* folder, std::unique_ptr<State> state);
  Archive* archive_;
  ArchiveFolder* folder_;
  std::unique_ptr<State> state_;
};

class Archive {
 public:
  static Result<std::unique_ptr<Archive>> Open(ArchiveOptions options);
  ~Archive();

  // Maps the folder to a local path (stable: the index remembers it), makes
  // its directories, records it, and adopts message files a crashed run left
  // in cur/ under `uidvalidity` (when the folder is new, the UIDVALIDITY the
  // server reports now is recorded first, so that adopted files belong to it).
  Result<ArchiveFolder*> OpenFolder(const RemoteFolderInfo& remote, uint32_t uidvalidity);

  // Adopts the message files in cur/ and new/ of a folder the index already
  // knows that no row names, under the folder's recorded UIDVALIDITY — what
  // OpenFolder does after a crash, without touching the folder's row (a
  // folder gone on the server stays gone). Message files are read, never
  // moved; tmp/ debris is removed as OpenFolder does. On failure none of
  // this folder's adoptions is recorded (a file that would not read stops
  // it). Returns how many were adopted; 0 for a folder id the index lacks.
  Result<size_t> AdoptFiles(int64_t folder_id);

  Result<std::unique_ptr<IncomingMessage>> NewMessage(ArchiveFolder* folder);

  // What the index knows of a folder under a UIDVALIDITY, sorted by UID.
  Result<std::vector<LocalMessage>> LocalMessages(ArchiveFolder* folder, uint32_t uidvalidity);

  // The server listed a message but would not deliver it (Exchange's
  // placeholder, an empty FETCH, a BAD for that one message). Recorded as a
  // row without a file, so it is reported and asked for again next run.
  // Returns the row's id.
  Result<int64_t> RecordUnfetchable(ArchiveFolder* folder, uint32_t uidvalidity, uint32_t uid,
                                    const std::string& reason);
  Status ApplyFlags(ArchiveFolder* folder, const FlagUpdate& update);
  // Archive policy: mark rows expunged. Mirror: remove files and rows.
  Status ApplyExpunges(ArchiveFolder* folder, uint32_t uidvalidity,
                       const std::vector<LocalRef>& expunged, Policy policy);
  // UIDVALIDITY changed: the local messages that could be `remote` messages
  // (same Message-ID, size and INTERNALDATE) under an older UIDVALIDITY.
  Result<std::vector<RemapCandidate>> RemapCandidates(ArchiveFolder* folder,
                                                      uint32_t new_uidvalidity,
                                                      const std::vector<RemapCandidate>& remote);
  Status Remap(int64_t message_id, uint32_t new_uidvalidity, uint32_t new_uid);

  // Records the folder's new sync state in the current batch, so it becomes
  // durable in the same commit as the folder's last messages (at the next
  // Flush or full batch) and never before them. Not a commit of its own: a
  // run over many small folders paid one syncfs per folder.
  Status FinishFolder(ArchiveFolder* folder, const index::FolderSyncState& state);
  Status SetFolderError(ArchiveFolder* folder, const std::string& error);
  // By remote name, whether or not the folder was opened in this run.
  Result<std::optional<index::FolderRecord>> FindFolder(const std::string& remote_name);
  Status RecordFolderError(const std::string& remote_name, const std::string& error);
  Result<std::vector<int64_t>> FoldersWithUnfetchable();
  // Folders the index knows as active that the server no longer lists, by
  // display name; marked gone (their mail stays archived) unless `dry_run`.
  Result<std::vector<std::string>> MarkGoneFolders(
      const std::vector<std::string>& remote_names_seen, bool dry_run = false);

  // Makes everything written so far durable and commits the index.
  Status Flush();

  // --- POP3 bookkeeping (pop3_sync.cc), in the Archive's own batch -------
  // Flushes what was written so far, then commits the uid each UIDL of the
  // next chunk will be stored under (empty: clears it): durable before any
  // of the chunk's files can land.
  Status ReservePop3Uids(ArchiveFolder* folder,
                         const std::vector<index::Pop3Reservation>& reserved);
  // Links the files an interrupted run left in cur/ (adopted by OpenFolder
  // under their uid) to the UIDLs reserved for them, clears the
  // reservation, and returns the highest uid it held (0: none).
  Result<uint32_t> RecoverPop3Reservation(ArchiveFolder* folder);
  // UIDL → index row (a stored message, or an unfetchable placeholder).
  Status LinkPop3Uidl(ArchiveFolder* folder, const std::string& uidl, int64_t message_id);
  Result<std::vector<index::Pop3Uidl>> Pop3Uidls(int64_t folder_id);
  // After the server acknowledged QUIT: committed at once.
  Status MarkPop3Deleted(ArchiveFolder* folder, const std::vector<std::string>& uidls,
                         int64_t when);
  // A message in `folder` with these stored bytes (SHA-256, raw), if any.
  Result<std::optional<int64_t>> FindTwin(ArchiveFolder* folder, const std::string& sha256);
  // When the message was archived (seconds since the epoch).
  Result<std::optional<int64_t>> ArchivedAt(int64_t message_id);

  // Direct access for single-threaded callers (CLI commands, tests); sync
  // workers go through the methods above, which serialise index access.
  index::Index& index() { return *index_; }
  maildir::Maildir& maildir() { return *maildir_; }
  const ArchiveOptions& options() const { return options_; }

 private:
  friend class IncomingMessage;
  explicit Archive(ArchiveOptions options);
  Status FlushLocked();
  Status EnsureBatchLocked();
  Result<int64_t> Record(ArchiveFolder* folder, const index::MessageRecord& record,
                         const std::string& raw_headers, const std::string& body_text,
                         uint64_t bytes);
  Status AdoptOrphans(ArchiveFolder* folder, uint32_t uidvalidity);
  // With `dedupe`: replaces a just-delivered file by a hard link to an
  // identical message already archived in another folder.
  Status LinkToTwin(ArchiveFolder* folder, index::MessageRecord* record,
                    maildir::MaildirFlags flags);

  ArchiveOptions options_;
  std::unique_ptr<index::Index> index_;
  std::unique_ptr<maildir::Maildir> maildir_;
  maildir::FolderPathMapper mapper_;
  std::mutex mu_;  // guards the index, the batch counters and folders_
  size_t batch_count_ = 0;
  uint64_t batch_bytes_ = 0;
  std::map<std::string, std::unique_ptr<ArchiveFolder>> folders_;
};

// Flags as the index stores them (Maildir letters + keywords) and back.
FlagSet FlagsFromIndex(const std::string& letters, const std::string& keywords);

}  // namespace mailhoard::sync
