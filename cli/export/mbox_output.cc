#include "cli/export/mbox_output.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "storage/maildir/file_system.h"

namespace mailhoard::cli {
namespace {

std::string WithoutTrailingSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string ParentOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Status Errno(int err, std::string_view op, const std::string& path) {
  return maildir::ErrnoStatus(err, op, path);
}

Status SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno(errno, "opening", dir);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  return rc == 0 ? Status::Ok() : Errno(err, "syncing", dir);
}

Status Exists(const std::string& path, std::string_view hint) {
  return InvalidArgument(path + " already exists; " + std::string(hint));
}

}  // namespace

MboxFile::MboxFile(std::string path, std::string temp, FILE* file, bool replace)
    : path_(std::move(path)), temp_(std::move(temp)), file_(file), replace_(replace) {}

Result<std::unique_ptr<MboxFile>> MboxFile::Create(const std::string& path, bool replace) {
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      return InvalidArgument(path + " is a directory; --mbox-dir writes one mbox per folder");
    }
    if (!replace) return Exists(path, "pass --force to replace it");
  } else if (errno != ENOENT) {
    return Errno(errno, "looking at", path);
  }
  // A fixed short name: "." + a 255-byte name + a suffix would not fit.
  std::string temp = ParentOf(path) + "/.mailhoard-export.XXXXXX";
  const int fd = ::mkstemp(temp.data());  // O_EXCL, mode 0600
  if (fd < 0) return Errno(errno, "creating a file beside", path);
  FILE* file = ::fdopen(fd, "wb");
  if (!file) {
    const int err = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return Errno(err, "creating", temp);
  }
  return std::unique_ptr<MboxFile>(new MboxFile(path, temp, file, replace));
}

MboxFile::~MboxFile() {
  if (file_) ::fclose(file_);
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

bool MboxFile::Write(std::string_view data) {
  if (write_errno_ != 0 || !file_) return false;
  if (::fwrite(data.data(), 1, data.size(), file_) != data.size()) {
    write_errno_ = errno != 0 ? errno : EIO;
    return false;
  }
  return true;
}

Status MboxFile::write_status() const {
  return write_errno_ == 0 ? Status::Ok() : Errno(write_errno_, "writing", path_);
}

Status MboxFile::Commit() {
  if (!file_) return IoError("internal: " + path_ + " committed twice");
  int err = write_errno_;
  if (err == 0 && ::fflush(file_) != 0) err = errno;
  if (err == 0 && ::fsync(::fileno(file_)) != 0) err = errno;
  if (::fclose(file_) != 0 && err == 0) err = errno;
  file_ = nullptr;
  if (err != 0) return Errno(err, "writing", path_);
  if (replace_) {
    if (::rename(temp_.c_str(), path_.c_str()) != 0) return Errno(errno, "renaming to", path_);
  } else {
    if (::link(temp_.c_str(), path_.c_str()) != 0) {
      if (errno == EEXIST) return Exists(path_, "it appeared during the export; nothing replaced");
      return Errno(errno, "creating", path_);
    }
    ::unlink(temp_.c_str());
  }
  temp_.clear();
  return SyncDir(ParentOf(path_));
}

MboxDirectory::MboxDirectory(std::string path, std::string work)
    : path_(std::move(path)), work_(std::move(work)) {}

Result<std::unique_ptr<MboxDirectory>> MboxDirectory::Create(const std::string& raw_path,
                                                             bool replace) {
  const std::string path = WithoutTrailingSlashes(raw_path);
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      return InvalidArgument(path + " already exists and is not a directory");
    }
    if (replace) {
      // Written into as it is: each file replaced on its own, others kept.
      return std::unique_ptr<MboxDirectory>(new MboxDirectory(path, path));
    }
    bool empty = true;
    if (DIR* d = ::opendir(path.c_str())) {
      while (dirent* e = ::readdir(d)) {
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) empty = false;
      }
      ::closedir(d);
    } else {
      return Errno(errno, "reading", path);
    }
    if (!empty) return Exists(path, "pass --force to write into it (replacing same-named files)");
  } else if (errno != ENOENT) {
    return Errno(errno, "looking at", path);
  }
  std::string work = ParentOf(path) + "/.mailhoard-export.XXXXXX";
  if (!::mkdtemp(work.data())) return Errno(errno, "creating a directory beside", path);  // 0700
  return std::unique_ptr<MboxDirectory>(new MboxDirectory(path, work));
}

MboxDirectory::~MboxDirectory() {
  if (committed_ || work_ == path_) return;
  for (const auto& name : made_) ::unlink((work_ + "/" + name).c_str());
  ::rmdir(work_.c_str());
}

Result<std::unique_ptr<MboxFile>> MboxDirectory::NewFile(const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) {
    return InvalidArgument("internal: unsafe mbox file name \"" + name + "\"");
  }
  const bool fresh = work_ != path_;
  if (fresh) made_.push_back(name);
  return MboxFile::Create(work_ + "/" + name, /*replace=*/!fresh);
}

Status MboxDirectory::Commit() {
  if (work_ == path_) return Status::Ok();
  MH_RETURN_IF_ERROR(SyncDir(work_));
  // rename(2) replaces only an empty directory: one that filled up during
  // the export is left alone.
  if (::rename(work_.c_str(), path_.c_str()) != 0) {
    if (errno == ENOTEMPTY || errno == EEXIST || errno == ENOTDIR) {
      return Exists(path_, "it changed during the export; nothing replaced");
    }
    return Errno(errno, "renaming to", path_);
  }
  committed_ = true;
  return SyncDir(ParentOf(path_));
}

}  // namespace mailhoard::cli
