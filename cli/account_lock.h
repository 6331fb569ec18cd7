// One mailhoard per account at a time: flock(2) on
// <archive>/<account>/.mailhoard.lock.
//
// flock rather than a pid file: the kernel drops the lock when the holder
// exits or crashes, so there is never a stale lock to clean up by hand. The
// holder's pid is written into the file only to name it in the error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"

namespace mailhoard::cli {

class AccountLock {
 public:
  // Creates <account_dir> (mode 0700, parents too) if needed and takes the
  // lock without waiting. If another process (or another AccountLock in this
  // process) holds it, fails with ErrorCode::kLocked:
  //   "account work is being synced by another mailhoard (pid 1234)".
  static Result<AccountLock> Acquire(const std::string& account_dir, const std::string& account);

  AccountLock(AccountLock&& other) noexcept;
  AccountLock& operator=(AccountLock&& other) noexcept;
  AccountLock(const AccountLock&) = delete;
  AccountLock& operator=(const AccountLock&) = delete;
  ~AccountLock();

  // Releases early; the destructor does the same.
  void Release();
  bool held() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

 private:
  AccountLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

// "<account_dir>/.mailhoard.lock"
std::string AccountLockPath(const std::string& account_dir);

// The process holding an account's lock now (a sync or push in progress).
struct LockHolder {
  long pid = 0;
  int64_t since = 0;  // when it took the lock: the lock file's mtime
};
// Read from the kernel's table of locks (/proc/locks), never by trying the
// lock: a sync starting at the same moment must not find it taken by a
// `status`. Nobody (or no lock file): nullopt.
std::optional<LockHolder> FindLockHolder(const std::string& account_dir);

}  // namespace mailhoard::cli
