// FaultFileSystem: an in-memory FileSystem that fails on demand and loses
// power on demand (LevelDB's fault_injection_test idea).
//
// It keeps two states of everything: the current one, which the API reads
// and writes, and the durable one, which only fsync advances — a file's
// bytes and mtime by WritableFile::Sync, a directory's entries by SyncDir of
// that directory. LoseUnsyncedData() throws the current state away, like a
// power cut on a file system that promises nothing beyond POSIX: an entry
// renamed but whose directory was not synced vanishes, a file whose data
// was not synced is empty. SyncFileSystem makes everything durable.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "storage/maildir/file_system.h"

namespace mailhoard::maildir::testing {

enum class FaultOp {
  kCreate,
  kWrite,
  kSync,
  kClose,
  kRename,
  kLink,
  kUnlink,
  kSyncDir,
  kSyncFs,
  kMkdir,
  kSetMtime,
  kList,
  kStat,
  kRead,
  kCount,
};

class FaultFileSystem final : public FileSystem {
 public:
  FaultFileSystem();
  ~FaultFileSystem() override;

  // The n-th (1-based, counted from this call) operation of kind `op` fails
  // with `err` (ENOSPC, EIO, ...), reported exactly as PosixFileSystem would.
  void FailNth(FaultOp op, int n, int err);
  // Every operation of kind `op` on a path starting with `prefix` fails with
  // `err` (EROFS for a read-only mount, EACCES for a read-only directory).
  void FailAlways(FaultOp op, int err, const std::string& prefix = "");
  // The machine stops after `n` more mutating operations: the next one and
  // every later call fail with EIO, as if the process were gone.
  void CrashAfter(int n);
  // As CrashAfter(n - 1), except that the n-th mutating operation (n >= 1)
  // takes effect before the machine stops: the rename is done, the fsync
  // made things durable, but the caller sees EIO and gets no further, like a
  // process killed just after the system call returned. CrashAfter covers
  // "dead before step n", this "dead right after it": together they reach
  // every point between two steps, including work the caller does in between
  // without the file system (an index commit after the last fsync).
  void CrashAfterEffectOf(int n);
  bool crashed() const { return crashed_; }
  // Mutating operations so far (to enumerate crash points).
  int mutating_ops() const { return mutating_ops_; }
  // Operations of kind `op` so far (including failed ones).
  int count(FaultOp op) const { return op_counts_[static_cast<int>(op)]; }
  // Power loss: keep only the durable state; clears all faults.
  void LoseUnsyncedData();
  // Disarms faults without losing data.
  void ClearFaults();

  // FileSystem.
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<ReadableFile>> OpenForRead(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status Link(const std::string& from, const std::string& to) override;
  Status Unlink(const std::string& path) override;
  Status SyncDir(const std::string& path) override;
  // Makes everything durable, like syncfs(2) on a single-volume fake.
  Status SyncFileSystem(const std::string& path) override;
  Result<bool> CreateDir(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& path) override;
  Result<FileInfo> Stat(const std::string& path) override;
  Status SetMtime(const std::string& path, int64_t mtime) override;

  // Used by the fake's file objects.
  struct Inode {
    bool is_dir = false;
    std::string data, synced_data;
    int64_t mtime = 0, synced_mtime = 0;
    std::map<std::string, int> entries, synced_entries;
  };
  Status Check(FaultOp op, const std::string& path);
  // Called by a mutating operation once its effect is applied: EIO if the
  // machine stops right after this one (CrashAfterEffectOf).
  Status AfterEffect(const std::string& path);
  Inode& inode(int id) { return inodes_[id]; }

 private:
  // Inode id of `path`, or -1; *parent/*leaf describe its last component.
  int Resolve(const std::string& path, int* parent = nullptr, std::string* leaf = nullptr);

  std::map<int, Inode> inodes_;
  int next_inode_ = 1;
  int op_counts_[static_cast<int>(FaultOp::kCount)] = {};
  struct NthFault {
    FaultOp op;
    int at;
    int err;
  };
  std::vector<NthFault> nth_faults_;
  struct PathFault {
    FaultOp op;
    int err;
    std::string prefix;
  };
  std::vector<PathFault> path_faults_;
  int crash_after_ = -1;
  int crash_after_effect_of_ = -1;
  bool stop_after_this_op_ = false;
  int mutating_ops_ = 0;
  bool crashed_ = false;
};

}  // namespace mailhoard::maildir::testing
