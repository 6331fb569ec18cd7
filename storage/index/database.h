// Database: RAII owner of one sqlite3 connection, Chromium sql::Database shape.
//
// Knows nothing of mailhoard's schema; storage/index/schema.h and index.h
// build on it. One connection is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"
#include "storage/index/statement.h"

struct sqlite3;

namespace mailhoard::index {

struct DatabaseOptions {
  bool read_only = false;
  bool create_if_missing = true;
  // How long a writer waits for another process's lock before SQLITE_BUSY.
  int busy_timeout_ms = 5000;
};

class Database {
 public:
  Database();
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Opens the connection and sets per-connection settings (busy timeout,
  // foreign keys). Does NOT write to the file: callers first check that the
  // file is theirs (application_id), then call EnableWriteAheadLog().
  Status Open(const std::string& path, const DatabaseOptions& options);
  void Close();
  bool is_open() const { return db_ != nullptr; }
  const std::string& path() const { return path_; }
  bool read_only() const { return read_only_; }

  // Switches the file to WAL mode (persistent, changes the file header) and
  // sets synchronous=NORMAL. See database.cc for the crash-order argument.
  Status EnableWriteAheadLog();

  // Runs one or more ;-separated statements without parameters (DDL, pragmas).
  Status Execute(std::string_view sql);

  // A fresh statement, finalized when the Statement dies.
  Statement GetUniqueStatement(std::string_view sql);
  // A statement from the per-connection cache keyed by its SQL text: prepared
  // once, reset when the Statement dies. If the cached one is still in use (a
  // nested use of the same SQL) a fresh one is returned instead.
  Statement GetCachedStatement(std::string_view sql);

  // Reads a single integer (for PRAGMA user_version etc.).
  Result<int64_t> QueryInt64(std::string_view sql);

  bool in_transaction() const;
  int64_t last_insert_rowid() const;
  int changes() const;

  // The raw connection, for storage/index internals that need an SQLite API
  // with no SQL form (the FTS5 tokenizer). Never handed out of the module.
  sqlite3* handle() const { return db_; }

  // Builds a Status from an SQLite result code on this connection.
  Status ErrorStatus(int rc, std::string_view what) const;

 private:
  struct CachedStatement;

  sqlite3* db_ = nullptr;
  std::string path_;
  bool read_only_ = false;
  std::unordered_map<std::string, std::unique_ptr<CachedStatement>> cache_;
};

}  // namespace mailhoard::index
