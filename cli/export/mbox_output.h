// Where an export goes, made so that a failed or refused export never
// replaces a good file, and nobody else can read what it writes.
//
// A file is written under a temporary name beside its final path (same
// directory, so the last step is a rename on one file system), mode 0600,
// fsynced, then published: rename(2) when it may replace what is there,
// else link(2), which fails rather than replace a file that appeared in
// the meantime. A directory of mbox files is built as a temporary directory
// (0700) beside it and renamed into place at the end, unless it is an
// existing directory the user let us write into (--force), where each
// file is published on its own.
//
// Refusals are kInvalidArgument naming the path (the caller maps them to
// EX_CANTCREAT); anything the file system refuses is kIo / kDiskFull.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mailhoard::cli {

class MboxFile {
 public:
  // Refuses an existing `path` unless `replace`, and a directory always.
  static Result<std::unique_ptr<MboxFile>> Create(const std::string& path, bool replace);
  ~MboxFile();  // removes the temporary file unless committed
  MboxFile(const MboxFile&) = delete;
  MboxFile& operator=(const MboxFile&) = delete;

  bool Write(std::string_view data);
  // Why the first failed Write failed (ok while none has).
  Status write_status() const;
  // Flush, fsync, publish, fsync the directory.
  Status Commit();
  const std::string& path() const { return path_; }

 private:
  MboxFile(std::string path, std::string temp, FILE* file, bool replace);

  std::string path_, temp_;
  FILE* file_;
  bool replace_;
  int write_errno_ = 0;
};

class MboxDirectory {
 public:
  // Refuses an existing `path` that is not an empty directory, unless
  // `replace` and it is a directory.
  static Result<std::unique_ptr<MboxDirectory>> Create(const std::string& path, bool replace);
  ~MboxDirectory();  // removes the temporary directory unless committed
  MboxDirectory(const MboxDirectory&) = delete;
  MboxDirectory& operator=(const MboxDirectory&) = delete;

  // A file `name` (one plain name, no '/') in the directory.
  Result<std::unique_ptr<MboxFile>> NewFile(const std::string& name);
  Status Commit();
  const std::string& path() const { return path_; }

 private:
  MboxDirectory(std::string path, std::string work);

  std::string path_;               // the final directory
  std::string work_;               // where files go now: a temporary directory, or path_ itself
  std::vector<std::string> made_;  // files in a temporary work_, to clean up
  bool committed_ = false;
};

}  // namespace mailhoard::cli
