#include "storage/index/sql_error.h"

#include <sqlite3.h>

#include <string>

namespace mailhoard::index {

Status SqliteStatus(int rc, std::string_view what, std::string_view path, std::string_view detail) {
  std::string where = "index " + std::string(path) + ": " + std::string(what) + ": ";
  std::string tail = std::string(detail);
  switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return Status::Ok();
    case SQLITE_FULL:
      return Status::Error(ErrorCode::kDiskFull, where + "disk full (" + tail + ")");
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return Status::Error(ErrorCode::kCorrupt,
                           where + "not a mailhoard index or damaged (" + tail +
                               "); move it aside and run a full sync to rebuild it");
    case SQLITE_READONLY:
      return Status::Error(ErrorCode::kIo, where + "file or its directory is read-only (" + tail +
                                               "); check permissions of " + std::string(path));
    case SQLITE_CANTOPEN:
      return Status::Error(ErrorCode::kIo, where + "cannot open " + std::string(path) + " (" +
                                               tail +
                                               "); does the directory exist and is it writable?");
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return Status::Error(ErrorCode::kIo, where + "permission denied (" + tail + ")");
    case SQLITE_IOERR:
      return Status::Error(ErrorCode::kIo, where + "I/O error (" + tail + ")");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      // Another process holds the write lock past busy_timeout: worth retrying
      // later, nothing is wrong with the data.
      return Status::Error(ErrorCode::kLocked, where + "index is busy (" + tail + ")",
                           ErrorScope::kAccount, RetryClass::kTransient);
    case SQLITE_CONSTRAINT:
      return Status::Error(ErrorCode::kInvalidArgument, where + "constraint failed (" + tail + ")",
                           ErrorScope::kMessage);
    case SQLITE_NOMEM:
      return Status::Error(ErrorCode::kInternal, where + "out of memory", ErrorScope::kAccount,
                           RetryClass::kTransient);
    default:
      return Status::Error(ErrorCode::kInternal,
                           where + std::string(sqlite3_errstr(rc)) + " (" + tail + ")");
  }
}

}  // namespace mailhoard::index
