#include "storage/index/schema.h"

#include <filesystem>
#include <string>

#include "storage/index/statement.h"
#include "storage/index/transaction.h"

namespace mailhoard::index {

namespace {

// Conventions: times are Unix seconds (UTC); UIDs, UIDVALIDITY and MODSEQ are
// stored as INTEGER (all fit in 63 bits). Text that may be unknown is NULL,
// never '', so that unknown Message-IDs or hashes never compare equal.
//
// Full-text search: messages_fts is a *contentless* FTS5 table (content='')
// whose rowid is messages.id. External content was not an option because the
// body text is not stored anywhere in the index (bodies live in Maildir), and
// a normal FTS5 table would keep a second copy of every body. Contentless
// tables cannot remove a row without its original text (SQLite 3.40 has no
// contentless_delete), so deleting a message leaves its tokens behind;
// searches join back to messages, which hides them, and messages.id is
// AUTOINCREMENT so a stale rowid is never reused by a new message.
constexpr char kSchemaV1[] = R"sql(
CREATE TABLE meta (
  key TEXT PRIMARY KEY NOT NULL,
  value BLOB
) WITHOUT ROWID;

CREATE TABLE folders (
  id INTEGER PRIMARY KEY,
  remote_name BLOB NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  delimiter TEXT,
  local_path TEXT NOT NULL UNIQUE,
  special_use TEXT,
  uidvalidity INTEGER NOT NULL DEFAULT 0,
  uidnext INTEGER NOT NULL DEFAULT 0,
  highestmodseq INTEGER NOT NULL DEFAULT 0,
  messages INTEGER NOT NULL DEFAULT 0,
  last_uid_seen INTEGER NOT NULL DEFAULT 0,
  last_sync_at INTEGER,
  last_error TEXT,
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'gone_on_server')),
  gone_since INTEGER
);

CREATE TABLE dictionaries (
  id INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  trained_from INTEGER NOT NULL,
  dict BLOB NOT NULL
);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
  uidvalidity INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  file_name TEXT NOT NULL,
  size INTEGER NOT NULL,
  internal_date INTEGER,
  flags TEXT NOT NULL DEFAULT '',
  keywords TEXT NOT NULL DEFAULT '',
  sha256 BLOB CHECK (sha256 IS NULL OR length(sha256) = 32),
  line_endings TEXT NOT NULL DEFAULT 'crlf' CHECK (line_endings IN ('crlf', 'lf')),
  message_id TEXT,
  date INTEGER,
  from_addr TEXT,
  to_addr TEXT,
  cc_addr TEXT,
  subject TEXT,
  headers BLOB,
  -- 0: compressed without a dictionary; else dictionaries.id.
  headers_dict_id INTEGER NOT NULL DEFAULT 0,
  expunged_at INTEGER,
  -- NULL: fetchable. Otherwise why the server would not hand it out.
  unfetchable_reason TEXT,
  gm_msgid INTEGER,
  modseq INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  UNIQUE (folder_id, uidvalidity, uid)
);
-- (folder_id, uidvalidity, uid) lookups use the UNIQUE constraint's index.
CREATE INDEX messages_by_remap_key ON messages (folder_id, message_id, size, internal_date);
CREATE INDEX messages_by_sha256 ON messages (sha256) WHERE sha256 IS NOT NULL;
CREATE INDEX messages_by_gm_msgid ON messages (gm_msgid) WHERE gm_msgid IS NOT NULL;
CREATE INDEX messages_by_dict ON messages (headers_dict_id) WHERE headers_dict_id = 0;

CREATE TABLE pop3_uidls (
  folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
  uidl TEXT NOT NULL,
  message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
  deleted_on_server_at INTEGER,
  PRIMARY KEY (folder_id, uidl)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE messages_fts USING fts5(
  from_addr, to_addr, cc_addr, subject, body,
  content = '',
  tokenize = 'unicode61 remove_diacritics 2'
);
)sql";

Status ApplyV1(Database& db) {
  MH_RETURN_IF_ERROR(db.Execute(kSchemaV1));
  return db.Execute("PRAGMA application_id = " + std::to_string(kApplicationId));
}

// Every run asks which folders hold unfetchable messages; without this the
// question reads the whole messages table (headers included) on a no-op.
Status ApplyV2(Database& db) {
  return db.Execute(
      "CREATE INDEX messages_unfetchable ON messages (folder_id) "
      "WHERE unfetchable_reason IS NOT NULL");
}

// `status` and `check` read how the last runs went; the meta keys hold only
// the very last one.
Status ApplyV3(Database& db) {
  return db.Execute(R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  started_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL,
  account TEXT NOT NULL,
  folders INTEGER NOT NULL,
  new_messages INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  unfetchable INTEGER NOT NULL,
  exit_code INTEGER NOT NULL,
  report INTEGER NOT NULL,
  report_error TEXT NOT NULL
);
CREATE TABLE run_errors (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  folder TEXT NOT NULL,
  error TEXT NOT NULL
);
CREATE INDEX run_errors_by_run ON run_errors (run_id);
)sql");
}

// `push`: per target mailbox, which archive folder went where and which
// message landed as which target UID, so a push resumes and never appends
// twice. A target is named by its mailbox ("user@host:port"), not by the
// config entry, so renaming the entry does not start over.
Status ApplyV4(Database& db) {
  return db.Execute(R"sql(
CREATE TABLE push_folders (
  id INTEGER PRIMARY KEY,
  target TEXT NOT NULL,
  folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
  target_name BLOB NOT NULL,
  uidvalidity INTEGER NOT NULL DEFAULT 0,
  checked_uid INTEGER NOT NULL DEFAULT 0,
  last_push_at INTEGER,
  UNIQUE (target, folder_id)
);
CREATE TABLE pushed (
  push_folder_id INTEGER NOT NULL REFERENCES push_folders(id) ON DELETE CASCADE,
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  uidvalidity INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  flags TEXT NOT NULL DEFAULT '',
  keywords TEXT NOT NULL DEFAULT '',
  refused TEXT NOT NULL DEFAULT '',
  pushed_at INTEGER NOT NULL,
  PRIMARY KEY (push_folder_id, message_id)
) WITHOUT ROWID;
)sql");
}

// POP3 reservations as rows instead of "uid uidl" lines in a meta value
// per folder ("pop3.reserved.<folder id>"); a reservation an older build
// left behind (it was interrupted mid-chunk) is carried over.
Status ApplyV5(Database& db) {
  MH_RETURN_IF_ERROR(db.Execute(R"sql(
CREATE TABLE pop3_reserved (
  folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
  uid INTEGER NOT NULL,
  uidl TEXT NOT NULL,
  PRIMARY KEY (folder_id, uid)
) WITHOUT ROWID;
)sql"));
  Statement old = db.GetCachedStatement(
      "SELECT substr(key, 15), CAST(value AS TEXT) FROM meta WHERE key LIKE 'pop3.reserved.%'");
  while (old.Step()) {
    const std::string folder_id = old.ColumnText(0);
    const std::string text = old.ColumnText(1);
    size_t start = 0;
    while (start < text.size()) {
      size_t nl = text.find('\n', start);
      if (nl == std::string::npos) nl = text.size();
      const std::string line = text.substr(start, nl - start);
      start = nl + 1;
      const size_t sp = line.find(' ');
      if (sp == std::string::npos || sp == 0 || sp + 1 == line.size()) continue;
      if (line.find_first_not_of("0123456789") != sp) continue;
      Statement ins = db.GetCachedStatement(
          "INSERT OR IGNORE INTO pop3_reserved (folder_id, uid, uidl) "
          "SELECT id, ?, ? FROM folders WHERE id = ?");
      ins.BindInt64(0, std::stoll(line.substr(0, sp)));
      ins.BindText(1, std::string_view(line).substr(sp + 1));
      ins.BindText(2, folder_id);
      MH_RETURN_IF_ERROR(ins.Run());
    }
  }
  MH_RETURN_IF_ERROR(old.status());
  return db.Execute("DELETE FROM meta WHERE key LIKE 'pop3.reserved.%'");
}

constexpr Migration kMigrations[] = {
    {1, "initial schema", &ApplyV1},
    {2, "index of unfetchable messages", &ApplyV2},
    {3, "run history", &ApplyV3},
    {4, "push state", &ApplyV4},
    {5, "POP3 reservations as rows", &ApplyV5},
};

constexpr char kCountSchemaObjects[] = "SELECT count(*) FROM sqlite_schema";

// A file shorter than its header says was cut (copied while written, disk
// full in a copy tool...). Without a WAL file every committed page is in the
// main file, so the comparison is exact; with one, pages may legitimately
// live only in the WAL and SQLite's own checks must do.
Status CheckNotTruncated(Database& db) {
  std::error_code ec;
  if (std::filesystem::exists(db.path() + "-wal", ec) || ec) return Status::Ok();
  const auto file_size = std::filesystem::file_size(db.path(), ec);
  if (ec) return Status::Ok();
  MH_ASSIGN_OR_RETURN(int64_t pages, db.QueryInt64("PRAGMA page_count"));
  MH_ASSIGN_OR_RETURN(int64_t page_size, db.QueryInt64("PRAGMA page_size"));
  if (static_cast<uint64_t>(pages * page_size) > file_size) {
    return Status::Error(ErrorCode::kCorrupt,
                         "index " + db.path() + " is truncated (" + std::to_string(file_size) +
                             " bytes, header says " + std::to_string(pages * page_size) +
                             "); move it aside and run a full sync to rebuild it");
  }
  return Status::Ok();
}

}  // namespace

std::span<const Migration> BuiltinMigrations() { return kMigrations; }

int LatestSchemaVersion(std::span<const Migration> migrations) {
  return migrations.empty() ? 0 : migrations.back().version;
}

Result<int> InspectSchema(Database& db, int latest_known) {
  // These reads fail with SQLITE_NOTADB on a file that is not a database.
  MH_ASSIGN_OR_RETURN(int64_t app_id, db.QueryInt64("PRAGMA application_id"));
  MH_ASSIGN_OR_RETURN(int64_t version, db.QueryInt64("PRAGMA user_version"));
  MH_ASSIGN_OR_RETURN(int64_t objects, db.QueryInt64(kCountSchemaObjects));
  const std::string& path = db.path();
  if (app_id == 0 && version == 0 && objects == 0) return 0;  // new, empty file
  if (app_id != kApplicationId) {
    return Status::Error(ErrorCode::kCorrupt,
                         "index " + path +
                             " is not a mailhoard index (an SQLite database of another "
                             "application); refusing to touch it");
  }
  if (version <= 0) {
    return Status::Error(ErrorCode::kCorrupt,
                         "index " + path + " has no schema version; it is damaged");
  }
  if (version > latest_known) {
    return Status::Error(ErrorCode::kUnsupported,
                         "index " + path + " was written by a newer mailhoard (schema v" +
                             std::to_string(version) + ", this build knows up to v" +
                             std::to_string(latest_known) + "); upgrade mailhoard");
  }
  MH_RETURN_IF_ERROR(CheckNotTruncated(db));
  return static_cast<int>(version);
}

Status MigrateSchema(Database& db, std::span<const Migration> migrations) {
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return InternalError("index: migration steps must be numbered 1, 2, 3, ...");
    }
  }
  MH_ASSIGN_OR_RETURN(int64_t version, db.QueryInt64("PRAGMA user_version"));
  for (const Migration& step : migrations) {
    if (step.version <= version) continue;
    Transaction transaction(&db);
    MH_RETURN_IF_ERROR(transaction.Begin());
    Status applied = step.apply(db);
    if (applied.ok()) {
      // user_version is part of the file header and so part of the transaction.
      applied = db.Execute("PRAGMA user_version = " + std::to_string(step.version));
    }
    if (!applied.ok()) {
      return applied.WithContext("migrating to schema v" + std::to_string(step.version) + " (" +
                                 step.description + ")");
    }
    MH_RETURN_IF_ERROR(transaction.Commit());
  }
  return Status::Ok();
}

}  // namespace mailhoard::index
