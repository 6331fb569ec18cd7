#include "storage/index/database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "storage/index/sql_error.h"

namespace mailhoard::index {
namespace {

// A path SQLite opens as a file (not ":memory:", "" for a temporary
// database, or a "file:" URI).
bool IsPlainFile(const std::string& path) {
  return !path.empty() && path != ":memory:" && path.rfind("file:", 0) != 0;
}

// SQLite creates a new database 0644 (less the umask) and gives its -wal,
// -shm and -journal files the database file's mode. The index holds every
// header and the text of every message, so it is created owner-only first:
// SQLite takes an empty file as a new database, and its side files follow.
// Any failure here (no directory, no permission) is left for SQLite to
// report in its own words.
void CreateOwnerOnly(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0) ::close(fd);
}

// An index an older build made 0644, and side files left by it: owner-only.
void TightenMode(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) == 0) return;
  ::chmod(path.c_str(), st.st_mode & 0700);
}

}  // namespace

struct Database::CachedStatement {
  sqlite3_stmt* stmt = nullptr;
  bool in_use = false;
};

Database::Database() = default;

Database::~Database() { Close(); }

Status Database::Open(const std::string& path, const DatabaseOptions& options) {
  Close();
  path_ = path;
  read_only_ = options.read_only;
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (options.read_only) {
    flags |= SQLITE_OPEN_READONLY;
  } else {
    flags |= SQLITE_OPEN_READWRITE;
    if (options.create_if_missing) {
      flags |= SQLITE_OPEN_CREATE;
      if (IsPlainFile(path)) CreateOwnerOnly(path);
    }
  }
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqliteStatus(rc, "opening", path_, db_ ? sqlite3_errmsg(db_) : "");
    Close();
    return s;
  }
  // SQLite silently falls back to read-only when the file is not writable;
  // a writer must learn that now, not at its first commit.
  if (!options.read_only && sqlite3_db_readonly(db_, "main") == 1) {
    Close();
    return Status::Error(ErrorCode::kIo,
                         "index " + path + ": file is read-only; check its permissions");
  }
  sqlite3_busy_timeout(db_, options.busy_timeout_ms);
  // Connection-level settings only: none of these touch the file, so a
  // foreign database can still be refused unmodified after this point.
  MH_RETURN_IF_ERROR(
      Execute("PRAGMA foreign_keys = ON;"
              "PRAGMA cache_size = -4096;"  // 4 MiB: the OS page cache holds the rest
              "PRAGMA temp_store = MEMORY;"));
  return Status::Ok();
}

void Database::Close() {
  for (auto& [sql, cached] : cache_) {
    if (cached->stmt) sqlite3_finalize(cached->stmt);
  }
  cache_.clear();
  if (db_ != nullptr) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
  }
}

// Crash order (docs/architecture.md): Maildir file fsync'd and renamed, the
// directory fsync'd, THEN the index transaction commits. In WAL mode with
// synchronous=NORMAL a commit survives a process crash; after a power loss the
// last few commits may be rolled back, but the database is never corrupted.
// Losing a tail of commits leaves the index *behind* the Maildir, which is the
// safe direction: the file names carry the UID, so reconcile re-adopts those
// messages without fetching them again. An fsync per commit (FULL) would buy
// nothing but latency. Message rows and folder sync state (last UID seen) are
// written in the same transaction, so they can never disagree.
Status Database::EnableWriteAheadLog() {
  if (read_only_) return Status::Ok();
  // Callers come here once the file is known to be an index: only then is
  // its mode ours to change.
  if (IsPlainFile(path_)) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) TightenMode(path_ + suffix);
  }
  Statement mode = GetUniqueStatement("PRAGMA journal_mode = WAL");
  if (!mode.Step()) {
    MH_RETURN_IF_ERROR(mode.status());
    return InternalError("index " + path_ + ": PRAGMA journal_mode returned no row");
  }
  std::string result = mode.ColumnText(0);
  if (result != "wal") {
    return Status::Error(ErrorCode::kIo, "index " + path_ +
                                             ": cannot switch to write-ahead logging (got '" +
                                             result + "'); is it on a network file system?");
  }
  return Execute("PRAGMA synchronous = NORMAL");
}

Status Database::Execute(std::string_view sql) {
  if (db_ == nullptr) return InternalError("index: database is not open");
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string detail = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return SqliteStatus(rc, "executing \"" + text.substr(0, 60) + "\"", path_, detail);
  }
  return Status::Ok();
}

Statement Database::GetUniqueStatement(std::string_view sql) {
  if (db_ == nullptr) return Statement(this, InternalError("index: database is not open"));
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), 0, &stmt, nullptr);
  if (rc != SQLITE_OK || stmt == nullptr) {
    if (stmt) sqlite3_finalize(stmt);
    if (rc == SQLITE_OK) rc = SQLITE_MISUSE;  // empty SQL
    return Statement(this, ErrorStatus(rc, "preparing \"" + std::string(sql.substr(0, 60)) + "\""));
  }
  return Statement(this, stmt, nullptr);
}

Statement Database::GetCachedStatement(std::string_view sql) {
  if (db_ == nullptr) return Statement(this, InternalError("index: database is not open"));
  auto it = cache_.find(std::string(sql));
  if (it != cache_.end()) {
    if (it->second->in_use) return GetUniqueStatement(sql);
    it->second->in_use = true;
    return Statement(this, it->second->stmt, &it->second->in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK || stmt == nullptr) {
    if (stmt) sqlite3_finalize(stmt);
    if (rc == SQLITE_OK) rc = SQLITE_MISUSE;
    return Statement(this, ErrorStatus(rc, "preparing \"" + std::string(sql.substr(0, 60)) + "\""));
  }
  auto entry = std::make_unique<CachedStatement>();
  entry->stmt = stmt;
  entry->in_use = true;
  bool* in_use = &entry->in_use;
  cache_.emplace(std::string(sql), std::move(entry));
  return Statement(this, stmt, in_use);
}

Result<int64_t> Database::QueryInt64(std::string_view sql) {
  Statement s = GetUniqueStatement(sql);
  if (!s.Step()) {
    MH_RETURN_IF_ERROR(s.status());
    return InternalError("index " + path_ + ": no row from \"" + std::string(sql) + "\"");
  }
  return s.ColumnInt64(0);
}

bool Database::in_transaction() const { return db_ != nullptr && sqlite3_get_autocommit(db_) == 0; }

int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

int Database::changes() const { return sqlite3_changes(db_); }

Status Database::ErrorStatus(int rc, std::string_view what) const {
  return SqliteStatus(rc, what, path_, db_ ? sqlite3_errmsg(db_) : "");
}

}  // namespace mailhoard::index
