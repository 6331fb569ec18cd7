// Index: the per-account SQLite index, written by exactly one writer (the
// sync engine) and read by `search` / `verify`.
//
//   MH_ASSIGN_OR_RETURN(std::unique_ptr<Index> index, Index::Open(path, {}));
//   MH_RETURN_IF_ERROR(index->BeginBatch());
//   for (...) MH_ASSIGN_OR_RETURN(int64_t id, index->InsertMessage(m, headers, body));
//   MH_RETURN_IF_ERROR(index->UpdateFolderSyncState(folder_id, state));
//   MH_RETURN_IF_ERROR(index->CommitBatch());
//
// Every write works outside a batch too (one transaction each), but a sync
// should group many messages per batch: one commit per batch is what makes
// tens of thousands of inserts per second possible.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "storage/index/push_record.h"
#include "storage/index/records.h"
#include "storage/index/run_record.h"
#include "storage/index/search_query.h"

namespace mailhoard::index {

struct IndexOptions {
  bool read_only = false;  // search / verify: no writes, no migration
  bool create_if_missing = true;
  int busy_timeout_ms = 5000;
  // Header dictionary: trained once this many headers were stored without one.
  int dictionary_training_samples = 1000;
  size_t dictionary_size = 64 * 1024;
  int compression_level = 3;
};

class Index {
 public:
  ~Index();
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;

  // Opens (creating or migrating as needed) the index at `path`. Refuses,
  // without writing a byte, files that are not mailhoard indexes, damaged
  // files (kCorrupt) and indexes of a newer mailhoard (kUnsupported).
  static Result<std::unique_ptr<Index>> Open(const std::string& path, const IndexOptions& options);

  int schema_version() const;

  // --- Batches --------------------------------------------------------------
  Status BeginBatch();
  Status CommitBatch();
  void RollbackBatch();
  bool in_batch() const;

  // --- Folders --------------------------------------------------------------
  Result<std::optional<FolderRecord>> FindFolderByRemoteName(std::string_view remote_name);
  Result<std::optional<FolderRecord>> GetFolder(int64_t folder_id);
  // Inserts a folder or, if its remote name is known, updates the fields LIST
  // reports (display name, delimiter, local path, special use) and marks it
  // active again. Sync state is only written on insert; use
  // UpdateFolderSyncState afterwards. Returns the folder id.
  Result<int64_t> UpsertFolder(const FolderRecord& folder);
  Result<std::vector<FolderRecord>> ListFolders();
  // Also clears last_error: the folder was just synced successfully.
  Status UpdateFolderSyncState(int64_t folder_id, const FolderSyncState& state);
  Status SetFolderError(int64_t folder_id, std::string_view error);  // empty clears
  Status MarkFolderGone(int64_t folder_id, int64_t when);
  // Removes the folder and (cascading) its messages and POP3 state.
  Status DeleteFolder(int64_t folder_id);

  // --- Messages -------------------------------------------------------------
  // Stores one message. `raw_headers` is the header block as received
  // (compressed here); `body_text` is the already extracted, bounded body
  // text for full-text search (may be empty). The record's from/to/cc/subject
  // are indexed as well. Fails with kInvalidArgument if (folder, uidvalidity,
  // uid) is already present.
  Result<int64_t> InsertMessage(const MessageRecord& message, std::string_view raw_headers,
                                std::string_view body_text);
  Result<std::optional<MessageRecord>> FindMessage(int64_t folder_id, uint32_t uidvalidity,
                                                   uint32_t uid);
  Result<std::optional<MessageRecord>> GetMessage(int64_t message_id);
  // All messages of a folder under one UIDVALIDITY, ordered by UID.
  Result<std::vector<UidEntry>> ListUids(int64_t folder_id, uint32_t uidvalidity);
  Status UpdateFlags(int64_t message_id, std::string_view flags, std::string_view keywords,
                     uint64_t modseq);
  // The Maildir file was renamed (its flag suffix changed).
  Status SetFileName(int64_t message_id, std::string_view file_name);
  // Archive policy: the server expunged these UIDs; keep the rows, note when.
  // UIDs not in the index or already marked are ignored. Returns rows marked.
  Result<int> MarkExpunged(int64_t folder_id, uint32_t uidvalidity, std::span<const uint32_t> uids,
                           int64_t when);
  // Mirror policy: the message is gone locally too.
  Status DeleteMessage(int64_t message_id);
  // UIDVALIDITY changed and the message was re-identified on the server.
  Status RemapUid(int64_t message_id, uint32_t new_uidvalidity, uint32_t new_uid);
  // Candidates for re-mapping after a UIDVALIDITY change, any uidvalidity.
  Result<std::vector<MessageRecord>> FindForRemap(int64_t folder_id, std::string_view message_id,
                                                  uint64_t size,
                                                  std::optional<int64_t> internal_date);
  Result<std::vector<MessageRecord>> FindBySha256(std::string_view sha256);
  Result<std::vector<MessageRecord>> FindByGmMsgid(uint64_t gm_msgid);
  Status SetUnfetchable(int64_t message_id, std::string_view reason);  // empty clears
  // Folders holding messages the server would not deliver yet, so that a
  // run reopens them even when nothing else moved.
  Result<std::vector<int64_t>> FoldersWithUnfetchable();
  // The raw header block stored with the message (empty if none was stored).
  Result<std::string> GetHeaders(int64_t message_id);

  // Calls `fn` for every message row, in id order; stops at the first error
  // `fn` returns. Streams: memory does not grow with the number of messages.
  // `fn` must not write to the index.
  Status ForEachMessageFile(const std::function<Status(const MessageFile&)>& fn);

  // --- Search ----------------------------------------------------------------
  // Messages with a file that match `query` (search_query.h), newest first
  // (Date:, else INTERNALDATE; undated last; ties newest row first), at most
  // `limit`; `account` is what account: terms match. kInvalidArgument for a
  // text term the tokenizer finds no word in.
  Result<SearchResults> Search(const SearchNode& query, std::string_view account, int limit);

  // --- POP3 -----------------------------------------------------------------
  Status UpsertPop3Uidl(int64_t folder_id, std::string_view uidl,
                        std::optional<int64_t> message_id);
  Result<std::optional<Pop3Uidl>> FindPop3Uidl(int64_t folder_id, std::string_view uidl);
  Result<std::vector<Pop3Uidl>> ListPop3Uidls(int64_t folder_id);
  Status MarkPop3Deleted(int64_t folder_id, std::string_view uidl, int64_t when);
  // Replaces the folder's reservation (empty: clears it).
  Status SetPop3Reservation(int64_t folder_id, const std::vector<Pop3Reservation>& reserved);
  Result<std::vector<Pop3Reservation>> GetPop3Reservation(int64_t folder_id);

  // --- Account-level key/value ----------------------------------------------
  Status SetMeta(std::string_view key, std::string_view value);
  Result<std::optional<std::string>> GetMeta(std::string_view key);
  Status DeleteMeta(std::string_view key);

  // --- Run history (newest first) --------------------------------------------
  // Stores one run and its errors, dropping rows beyond kRunHistoryLimit.
  Result<int64_t> InsertRun(const RunRecord& run);
  // Once the report of the run was sent (or could not be).
  Status SetRunReport(int64_t run_id, ReportState state, std::string_view error);
  Result<std::vector<RunRecord>> ListRuns(int limit);
  // When the newest run with exit code 0 ended; nullopt when none is kept
  // (the history is bounded, so a long failing streak can push it out).
  Result<std::optional<int64_t>> LastSuccessfulRunEnd();
  // (folder id, messages recorded as unfetchable), for `check`.
  Result<std::vector<std::pair<int64_t, uint64_t>>> CountUnfetchable();

  // --- Push (what went to which target) --------------------------------------
  // The row of (target, archive folder), made if new; target_name updated.
  Result<PushFolderRecord> UpsertPushFolder(std::string_view target, int64_t folder_id,
                                            std::string_view target_name);
  Result<std::vector<PushFolderRecord>> ListPushFolders(std::string_view target);
  Status UpdatePushFolder(int64_t push_folder_id, uint32_t uidvalidity, uint32_t checked_uid,
                          int64_t when);
  Status RecordPushed(int64_t push_folder_id, const PushedRecord& record);
  Status ForgetPushed(int64_t push_folder_id, int64_t message_id);
  Result<std::vector<PushedRecord>> ListPushed(int64_t push_folder_id);
  // The folder's messages that have a file (any UIDVALIDITY), by UID.
  Result<std::vector<PushSourceMessage>> ListPushSource(int64_t folder_id);

  // --- Header dictionaries ----------------------------------------------------
  // Trains a dictionary now from the headers stored without one (normally
  // automatic after IndexOptions::dictionary_training_samples) and
  // re-compresses those headers with it. Returns the new dictionary id.
  Result<int64_t> TrainHeaderDictionary(int64_t now);
  int64_t active_header_dictionary() const;

  // PRAGMA quick_check: O(size of the index); for `mailhoard verify`.
  Status QuickCheck();

 private:
  class Impl;
  explicit Index(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Keeps a batch open for its scope; rolls it back unless Commit() succeeded.
class ScopedBatch {
 public:
  explicit ScopedBatch(Index* index) : index_(index) {}
  ~ScopedBatch() {
    if (active_) index_->RollbackBatch();
  }
  ScopedBatch(const ScopedBatch&) = delete;
  ScopedBatch& operator=(const ScopedBatch&) = delete;
  Status Begin() {
    Status s = index_->BeginBatch();
    active_ = s.ok();
    return s;
  }
  Status Commit() {
    Status s = index_->CommitBatch();
    if (s.ok()) active_ = false;
    return s;
  }

 private:
  Index* index_;
  bool active_ = false;
};

}  // namespace mailhoard::index
