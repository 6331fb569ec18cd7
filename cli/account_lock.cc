#include "cli/account_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace mailhoard::cli {
namespace {

// mkdir -p with 0700 for the parts we create: an archive of someone's mail
// must not be readable by other local users just because of a lax umask.
Status MakeDirs(const std::string& dir) {
  std::string partial;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    partial = dir.substr(0, pos);
    if (partial.empty()) continue;
    if (mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      return IoError("cannot create " + partial + ": " + std::strerror(errno));
    }
  }
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return IoError(dir + " is not a directory");
  }
  return Status::Ok();
}

std::string ReadHolderPid(int fd) {
  char buf[32] = {};
  const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "";
  std::string pid(buf, static_cast<size_t>(n));
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  for (char c : pid)
    if (c < '0' || c > '9') return "";
  return pid;
}

}  // namespace

std::string AccountLockPath(const std::string& account_dir) {
  return account_dir + "/.mailhoard.lock";
}

Result<AccountLock> AccountLock::Acquire(const std::string& account_dir,
                                         const std::string& account) {
  MH_RETURN_IF_ERROR(MakeDirs(account_dir));
  std::string path = AccountLockPath(account_dir);
  // O_CLOEXEC: a password_cmd child (or a daemon it starts, like gpg-agent)
  // must not inherit the descriptor and keep the account locked after we exit.
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return IoError("cannot open lock file " + path + ": " + std::strerror(errno));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    if (err == EWOULDBLOCK) {
      const std::string pid = ReadHolderPid(fd);
      close(fd);
      return Status::Error(ErrorCode::kLocked, "account " + account +
                                                   " is being synced by another mailhoard" +
                                                   (pid.empty() ? "" : " (pid " + pid + ")"));
    }
    close(fd);
    return IoError("cannot lock " + path + ": " + std::strerror(err));
  }
  const std::string pid = std::to_string(getpid()) + "\n";
  // Best effort: the pid only improves the message another run prints.
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // Ignored on purpose; the lock itself is held.
  }
  return AccountLock(fd, std::move(path));
}

AccountLock::AccountLock(AccountLock&& other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

AccountLock& AccountLock::operator=(AccountLock&& other) noexcept {
  if (this != &other) {
    Release();
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

AccountLock::~AccountLock() { Release(); }

void AccountLock::Release() {
  if (fd_ < 0) return;
  // Clear our pid while still holding the lock, so a later reader never
  // names a process that has finished. The file itself stays: unlinking a
  // lock file races with a process that has just opened it.
  if (ftruncate(fd_, 0) != 0) {
    // Harmless: the next holder truncates it anyway.
  }
  close(fd_);  // drops the flock
  fd_ = -1;
}

std::optional<LockHolder> FindLockHolder(const std::string& account_dir) {
  struct stat st;
  if (stat(AccountLockPath(account_dir).c_str(), &st) != 0) return std::nullopt;
  // Lines such as "3: FLOCK  ADVISORY  WRITE 4242 fd:01:1234567 0 EOF"; a
  // waiter's line has "->" after the number and holds nothing. The device
  // part is not compared: on overlayfs it need not be the st_dev stat
  // reports, and an inode number matched on a flock of this very path is
  // evidence enough for a status line.
  std::ifstream locks("/proc/locks");
  std::string line;
  const std::string inode = ":" + std::to_string(st.st_ino);
  while (std::getline(locks, line)) {
    std::istringstream in(line);
    std::string number, kind, mode, access, device;
    long pid = 0;
    if (!(in >> number >> kind) || kind != "FLOCK") continue;
    if (!(in >> mode >> access >> pid >> device)) continue;
    if (device.size() <= inode.size() ||
        device.compare(device.size() - inode.size(), inode.size(), inode) != 0) {
      continue;
    }
    return LockHolder{pid, static_cast<int64_t>(st.st_mtime)};
  }
  return std::nullopt;
}

}  // namespace mailhoard::cli
