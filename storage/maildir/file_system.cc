#include "storage/maildir/file_system.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace mailhoard::maildir {

Status ErrnoStatus(int err, std::string_view op, std::string_view path) {
  std::string where = std::string(op) + " " + std::string(path);
  std::string cause = std::strerror(err);
  switch (err) {
    case ENOSPC:
    case EDQUOT:
      // Not transient: retrying without freeing space only fails again.
      return Status::Error(ErrorCode::kDiskFull,
                           "disk full (" + cause + ") while " + where +
                               "; free space or raise the quota and run again");
    case EROFS:
      return IoError("read-only file system: cannot " + where + " (" + cause + ")");
    case EACCES:
    case EPERM:
      return IoError("permission denied: cannot " + where + " (" + cause +
                     "); check the owner and mode of the archive directory");
    case ENOENT:
      return Status::Error(ErrorCode::kNotFound, where + ": " + cause);
    case EXDEV:
    case EMLINK:
      return Status::Error(ErrorCode::kUnsupported, where + ": " + cause);
    default:
      return IoError(where + ": " + cause);
  }
}

Result<std::string> ReadSmallFile(FileSystem& fs, const std::string& path, size_t max_bytes) {
  MH_ASSIGN_OR_RETURN(auto file, fs.OpenForRead(path));
  std::string out;
  char buf[16384];
  for (;;) {
    MH_ASSIGN_OR_RETURN(size_t n, file->Read(buf, sizeof buf));
    if (n == 0) break;
    if (out.size() + n > max_bytes) {
      return InvalidArgument(path + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, n);
  }
  return out;
}

}  // namespace mailhoard::maildir
