#include "storage/index/database.h"

#include <sqlite3.h>

#include <string>

#include "storage/index/sql_error.h"

namespace mailhoard::index {

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
    if (options.create_if_missing) flags |= SQLITE_OPEN_CREATE;
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
