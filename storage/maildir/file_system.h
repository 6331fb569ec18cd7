// FileSystem: every side effect the Maildir writer has on disk.
//
// LevelDB's Env idea: the writer only talks to this interface, so tests can
// swap in a fake that fails the Nth write with ENOSPC, the Nth fsync with EIO,
// or "loses power" at step N and drops everything that was not made durable
// (tests/storage/maildir/fault_file_system.h). PosixFileSystem is the real one.
//
// Paths are plain strings (absolute or relative to the working directory);
// this layer never interprets remote folder names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mailhoard::maildir {

// A file being written. Unbuffered: callers (MessageWriter) batch their own
// writes, so each Append is one write(2) (or a loop of them).
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(const char* data, size_t n) = 0;
  // fsync(2) the file's data and metadata.
  virtual Status Sync() = 0;
  // Idempotent; the destructor closes too, ignoring errors.
  virtual Status Close() = 0;
};

// A file being read sequentially.
class ReadableFile {
 public:
  virtual ~ReadableFile() = default;
  // Returns 0 at end of file.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
};

struct FileInfo {
  uint64_t size = 0;
  int64_t mtime = 0;  // seconds since the epoch
  bool is_directory = false;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Creates a new file (O_CREAT|O_EXCL): fails if `path` already exists.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  virtual Result<std::unique_ptr<ReadableFile>> OpenForRead(const std::string& path) = 0;
  // rename(2): atomic, replaces `to` if it exists.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // link(2): `to` must not exist. kUnsupported where the file system has no
  // hard links or the two paths are on different devices.
  virtual Status Link(const std::string& from, const std::string& to) = 0;
  virtual Status Unlink(const std::string& path) = 0;
  // fsync(2) a directory, so entries created, renamed or removed in it survive
  // a power loss.
  virtual Status SyncDir(const std::string& path) = 0;
  // syncfs(2) of the file system holding `path`: one journal commit makes
  // every file written so far durable, where an fsync per file would cost a
  // commit each.
  virtual Status SyncFileSystem(const std::string& path) = 0;
  // mkdir(2) of one level. Returns true if created, false if it already
  // existed as a directory.
  virtual Result<bool> CreateDir(const std::string& path) = 0;
  // Names in a directory, without "." and "..", in no particular order.
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;
  virtual Result<FileInfo> Stat(const std::string& path) = 0;
  virtual Status SetMtime(const std::string& path, int64_t mtime) = 0;
};

// The process-wide POSIX file system. Never null; not owned by the caller.
FileSystem* DefaultFileSystem();

// Reads a whole file, failing with kInvalidArgument beyond `max_bytes`. For
// small files and tests only: messages are streamed, never buffered.
Result<std::string> ReadSmallFile(FileSystem& fs, const std::string& path,
                                  size_t max_bytes = 1 << 20);

// Maps an errno from operation `op` ("creating", "renaming", ...) on `path`
// to a Status a user can act on: ENOSPC/EDQUOT are kDiskFull, EROFS/EACCES/
// EPERM are kIo naming the path and the cause, ENOENT is kNotFound,
// EXDEV/EMLINK are kUnsupported. Shared with the fault-injecting fake so both
// report identical errors.
Status ErrnoStatus(int err, std::string_view op, std::string_view path);

}  // namespace mailhoard::maildir
