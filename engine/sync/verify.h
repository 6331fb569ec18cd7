// Verify: does an account's Maildir hold what its index says, byte for
// byte, and does the index know every message file? And, on request, the
// repairs that need no server: adopt files a crashed run left behind, queue
// rows whose file is gone for the next sync to fetch again.
//
// All file access goes through maildir::FileSystem (the one sync uses), so
// tests drive it with the fault-injecting fake. CheckArchive changes
// nothing; RepairArchive writes the index and reads files, never moving or
// removing a message (adoption clears tmp/ debris, as every sync does). The caller holds the
// account lock: a sync in progress has files in cur/ its open batch has not recorded yet, which
// would look like orphans.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "storage/index/index.h"
#include "storage/maildir/file_system.h"

namespace mailhoard::sync {

class Archive;

enum class FindingKind {
  kMissing,       // the index has a row, the file is gone
  kUnreadable,    // the file is there, reading it failed
  kSizeMismatch,  // the file's size is not the row's
  kHashMismatch,  // same size, other SHA-256: corrupt
  kOrphan,        // a file under a UID the index lacks: RepairArchive adopts it
  kUnindexed,     // a file no row names that cannot be adopted
};

// "missing", "unreadable", "size-mismatch", "hash-mismatch", "orphan",
// "unindexed": the words `mailhoard verify` prints.
std::string_view FindingKindName(FindingKind kind);

struct Finding {
  FindingKind kind = FindingKind::kMissing;
  std::string path;        // of the file, under the account directory
  std::string detail;      // for a person: what differs, what to do
  int64_t message_id = 0;  // the index row, for kMissing
  bool expunged = false;   // kMissing: the server no longer has it either
};

struct CheckReport {
  uint64_t rows_checked = 0;  // rows with a file
  uint64_t files_seen = 0;    // message files in cur/ and new/
  uint64_t unfetchable = 0;   // rows without a file, waiting for the next sync
  std::vector<Finding> findings;
  std::set<int64_t> orphan_folders;  // folder ids holding kOrphan files
  std::string quick_check = "ok";    // SQLite's PRAGMA quick_check

  bool clean() const { return findings.empty() && quick_check == "ok"; }
  size_t Count(FindingKind kind) const;
};

// Compares every row of `index` with its file under `account_dir` (size and
// SHA-256), then lists cur/ and new/ of every folder for files no row names.
// A file that cannot be read is a finding; an error is returned only when
// the index cannot be read or a directory cannot be listed.
Result<CheckReport> CheckArchive(index::Index& index, maildir::FileSystem& fs,
                                 const std::string& account_dir);

struct RepairResult {
  size_t requeued = 0;  // missing files the next sync fetches again
  size_t adopted = 0;   // orphan files now in the index
};

// What RepairArchive would act on: a missing file the server still has, or
// a folder with orphans.
bool NeedsRepair(const CheckReport& report);

// Acts on a report of the same archive: a kMissing row the server still has
// becomes an unfetchable row without a file (the next sync fetches that UID
// again and replaces the row; a file that has come back meanwhile is left
// alone), and the orphans of every folder in `orphan_folders` are adopted
// through Archive::AdoptFiles. Stops at the first error: the requeues are
// one transaction and each folder's adoptions another, so the index holds
// all or none of each; no message file is moved or removed either way.
// Check again afterwards to see what is left.
// Files are looked at through the Archive's file system.
Result<RepairResult> RepairArchive(Archive& archive, const CheckReport& report);

}  // namespace mailhoard::sync
