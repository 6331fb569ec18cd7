// The real FileSystem over POSIX calls. Every call retries EINTR and maps
// errno through ErrnoStatus, so callers see one error vocabulary.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "storage/maildir/file_system.h"

namespace mailhoard::maildir {
namespace {

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(const char* data, size_t n) override {
    while (n > 0) {
      ssize_t w = ::write(fd_, data, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, "writing", path_);
      }
      data += w;
      n -= static_cast<size_t>(w);
    }
    return Status::Ok();
  }

  Status Sync() override {
    // fdatasync would skip the mtime we set later anyway, but the size must be
    // durable too; fsync is the portable guarantee.
    while (::fsync(fd_) != 0) {
      if (errno != EINTR) return ErrnoStatus(errno, "syncing", path_);
    }
    return Status::Ok();
  }

  Status Close() override {
    if (fd_ < 0) return Status::Ok();
    int fd = fd_;
    fd_ = -1;
    // close(2) may report a delayed write error (NFS); EINTR must not be
    // retried on Linux, the descriptor is gone either way.
    if (::close(fd) != 0 && errno != EINTR) return ErrnoStatus(errno, "closing", path_);
    return Status::Ok();
  }

 private:
  int fd_;
  std::string path_;
};

class PosixReadableFile final : public ReadableFile {
 public:
  PosixReadableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixReadableFile() override { ::close(fd_); }

  Result<size_t> Read(char* buf, size_t n) override {
    for (;;) {
      ssize_t r = ::read(fd_, buf, n);
      if (r >= 0) return static_cast<size_t>(r);
      if (errno != EINTR) return ErrnoStatus(errno, "reading", path_);
    }
  }

 private:
  int fd_;
  std::string path_;
};

int OpenRetrying(const char* path, int flags, mode_t mode = 0) {
  for (;;) {
    int fd = ::open(path, flags | O_CLOEXEC, mode);
    if (fd >= 0 || errno != EINTR) return fd;
  }
}

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    int fd = OpenRetrying(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) return ErrnoStatus(errno, "creating", path);
    return std::unique_ptr<WritableFile>(new PosixWritableFile(fd, path));
  }

  Result<std::unique_ptr<ReadableFile>> OpenForRead(const std::string& path) override {
    int fd = OpenRetrying(path.c_str(), O_RDONLY);
    if (fd < 0) return ErrnoStatus(errno, "opening", path);
    return std::unique_ptr<ReadableFile>(new PosixReadableFile(fd, path));
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return ErrnoStatus(errno, "renaming", from + " to " + to);
    }
    return Status::Ok();
  }

  Status Link(const std::string& from, const std::string& to) override {
    if (::link(from.c_str(), to.c_str()) != 0) {
      int err = errno;
      // EPERM from link(2) means "this file system has no hard links" (FAT,
      // some FUSE), not a permission problem.
      if (err == EPERM) err = EXDEV;
      return ErrnoStatus(err, "hard-linking", from + " to " + to);
    }
    return Status::Ok();
  }

  Status Unlink(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return ErrnoStatus(errno, "removing", path);
    return Status::Ok();
  }

  Status SyncDir(const std::string& path) override {
    int fd = OpenRetrying(path.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return ErrnoStatus(errno, "opening directory", path);
    Status s;
    while (::fsync(fd) != 0) {
      if (errno == EINTR) continue;
      // Some file systems cannot fsync a directory and say so with EINVAL;
      // their metadata is then as durable as it gets.
      if (errno != EINVAL) s = ErrnoStatus(errno, "syncing directory", path);
      break;
    }
    ::close(fd);
    return s;
  }

  Status SyncFileSystem(const std::string& path) override {
    int fd = OpenRetrying(path.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return ErrnoStatus(errno, "opening directory", path);
    Status s;
    // Since Linux 5.8 syncfs reports writeback errors of the file system.
    if (::syncfs(fd) != 0) s = ErrnoStatus(errno, "syncing the file system of", path);
    ::close(fd);
    return s;
  }

  Result<bool> CreateDir(const std::string& path) override {
    if (::mkdir(path.c_str(), 0700) == 0) return true;
    int err = errno;
    if (err == EEXIST) {
      struct stat st;
      if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return false;
      return IoError("creating directory " + path + ": a file of that name is in the way");
    }
    return ErrnoStatus(err, "creating directory", path);
  }

  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) return ErrnoStatus(errno, "listing", path);
    std::vector<std::string> names;
    for (;;) {
      errno = 0;
      struct dirent* e = ::readdir(dir);
      if (e == nullptr) break;
      if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
      names.emplace_back(e->d_name);
    }
    int err = errno;
    ::closedir(dir);
    if (err != 0) return ErrnoStatus(err, "listing", path);
    return names;
  }

  Result<FileInfo> Stat(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(errno, "inspecting", path);
    FileInfo info;
    info.size = static_cast<uint64_t>(st.st_size);
    info.mtime = st.st_mtim.tv_sec;
    info.is_directory = S_ISDIR(st.st_mode);
    return info;
  }

  Status SetMtime(const std::string& path, int64_t mtime) override {
    // atime too: Maildir readers ignore it, and leaving it "now" would only
    // confuse backup tools that compare both.
    struct timespec times[2];
    times[0].tv_sec = static_cast<time_t>(mtime);
    times[0].tv_nsec = 0;
    times[1] = times[0];
    if (::utimensat(AT_FDCWD, path.c_str(), times, 0) != 0) {
      return ErrnoStatus(errno, "setting the time of", path);
    }
    return Status::Ok();
  }
};

}  // namespace

FileSystem* DefaultFileSystem() {
  static PosixFileSystem* fs = new PosixFileSystem();
  return fs;
}

}  // namespace mailhoard::maildir
