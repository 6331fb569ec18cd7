// Maildir: one account's archive directory. Creates folders, hands out
// MessageWriters, changes flags, removes and hard-links messages, and
// reconciles a folder with the index after a crash.
//
// Folders are addressed by their relative path from FolderPathMapper ("" is
// the account root, i.e. INBOX in maildir++). Only one Maildir may write an
// account at a time (the CLI holds the account lock); NewMessage and the
// other operations may be called from several threads.
//
// Durability (see README.md):
//   kFull   per message: fsync the file, rename it into cur/, fsync cur/.
//   kBatch  Commit leaves the complete file in tmp/; SyncBatch() makes the
//           data of the whole batch durable with one syncfs, renames every
//           file into cur/, and fsyncs each changed directory once. The
//           caller runs SyncBatch before it commits the index transaction
//           covering those messages; a batch not synced is lost in a crash
//           (its files are tmp/ debris) and is fetched again.
//   kNone   no fsync at all (tests, throw-away archives); renames at once.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/maildir/file_system.h"
#include "storage/maildir/message_name.h"
#include "storage/maildir/message_writer.h"
#include "storage/maildir/unique_name.h"

namespace mailhoard::maildir {

enum class Durability { kFull, kBatch, kNone };

struct MaildirOptions {
  Durability durability = Durability::kFull;
  LineEndings line_endings = LineEndings::kAsIs;
  size_t write_buffer_bytes = 64 * 1024;
};

struct FoundMessage {
  std::string subdir;     // "cur" or "new"
  std::string file_name;  // bare name inside subdir
  uint32_t uid = 0;
  uint64_t size = 0;  // from ",S=", else from stat
  MaildirFlags flags = 0;
};

// A file in cur/ or new/ that does not carry ",U=<uid>".
struct FoundFile {
  std::string subdir;     // "cur" or "new"
  std::string file_name;  // bare name inside subdir
  bool operator==(const FoundFile&) const = default;
};

struct ReconcileOptions {
  // 0: remove every tmp/ file. Safe because one writer per account runs at a
  // time under the account lock, so anything in tmp/ at open is debris of a
  // run that died. Set it (e.g. 36 h, as the Maildir spec suggests) when
  // another program also delivers into this Maildir.
  int64_t tmp_max_age_seconds = 0;
  int64_t now = 0;  // seconds since the epoch; only read when the age is set
};

struct ReconcileReport {
  // Files in cur/ and new/ that carry ",U=<uid>", by uid. A file the index
  // does not know landed before a crash: adopt it, do not fetch it again.
  std::vector<FoundMessage> messages;
  // Files in cur/ and new/ without a uid (put there by someone else).
  std::vector<FoundFile> other_files;
  size_t tmp_removed = 0;
};

// Names in `expected` (index rows of the folder) that reconcile did not see.
std::vector<std::string> MissingFiles(const ReconcileReport& report,
                                      const std::vector<std::string>& expected);

class Maildir {
 public:
  // `fs` and `names` must outlive the Maildir; a null `names` uses a real
  // generator owned by the Maildir.
  Maildir(FileSystem* fs, std::string root, MaildirOptions options = {},
          UniqueNameGenerator* names = nullptr);
  ~Maildir();

  const std::string& root() const { return root_; }
  const MaildirOptions& options() const { return options_; }
  // Absolute directory of a folder.
  std::string FolderDir(const std::string& folder) const;

  // Creates the root, the folder's directories and its cur/ new/ tmp/ as
  // needed; a directory entry created is fsynced in its parent (unless
  // kNone). Idempotent, so a crash half-way is repaired by the next call;
  // with kFull the folder's own directories are fsynced again on each call,
  // as one a crashed run made may not be durable yet.
  Status EnsureFolder(const std::string& folder);

  // A writer for a new message of `folder` (which must exist). `line_endings`
  // overrides the Maildir's default.
  Result<MessageWriter> NewMessage(const std::string& folder,
                                   std::optional<LineEndings> line_endings = std::nullopt);

  // kBatch: makes every message committed since the last call durable and
  // visible in cur/, and every rename/removal since then durable. Call
  // before committing the index transaction. A no-op in the other modes.
  // On failure nothing of the batch may be committed; calling again retries.
  Status SyncBatch();

  // Renames a message to carry `flags`, keeping letters we do not know.
  // Looks in cur/, then new/ (moving it to cur/). Returns the new name.
  Result<std::string> SetFlags(const std::string& folder, const std::string& file_name,
                               MaildirFlags flags);

  // Removes a message (mirror policy). Already gone is not an error, so a
  // resumed run can repeat it.
  Status RemoveMessage(const std::string& folder, const std::string& file_name);

  // Hard-links a message into another folder under a new name carrying that
  // folder's uid and `flags` (one copy on disk for Gmail labels). Returns
  // the new name. Where the file system has no hard links (or the folders
  // are on different devices) the message is copied instead.
  Result<std::string> LinkMessage(const std::string& from_folder, const std::string& file_name,
                                  const std::string& to_folder, uint32_t uid, MaildirFlags flags);

  // Lists what is on disk for `folder` and removes tmp/ debris.
  Result<ReconcileReport> Reconcile(const std::string& folder,
                                    const ReconcileOptions& options = {});
  // What Reconcile lists, changing nothing (tmp/ is left alone), for
  // `verify`. A folder, cur/ or new/ that does not exist holds nothing.
  Result<ReconcileReport> Scan(const std::string& folder);

 private:
  friend class MessageWriter;

  // A directory gained or lost an entry: sync it now (kFull), remember it
  // for SyncBatch (kBatch), or nothing (kNone).
  Status DirChanged(const std::string& dir);
  // kBatch: a committed message waits in tmp/ for SyncBatch.
  void DeferRename(std::string from, std::string to, std::string dir);
  // kBatch: syncfs, then the deferred renames. Run before any operation that
  // may touch a message of the current batch.
  Status PublishPending();
  Status CreateDirs(const std::string& path, bool* created, bool sync_existing);
  std::string MessageName(const std::string& unique, uint32_t uid, uint64_t size,
                          MaildirFlags flags) const;
  Result<std::string> CopyMessage(const std::string& from, const std::string& to_folder,
                                  uint32_t uid, MaildirFlags flags);
  // cur/ or new/ path of an existing message, cur/ first.
  Result<std::string> Locate(const std::string& folder, const std::string& file_name);
  // The cur/ and new/ half of Reconcile and Scan.
  Status ListMessages(const std::string& dir, bool missing_ok, ReconcileReport* report);

  FileSystem* fs_;
  std::string root_;
  MaildirOptions options_;
  std::unique_ptr<UniqueNameGenerator> owned_names_;
  UniqueNameGenerator* names_;
  std::mutex mu_;
  std::set<std::string> dirty_dirs_;
  struct PendingRename {
    std::string from, to, dir;
  };
  std::vector<PendingRename> pending_;
};

}  // namespace mailhoard::maildir
