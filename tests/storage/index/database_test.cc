#include "storage/index/database.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "storage/index/sql_error.h"
#include "storage/index/transaction.h"
#include "tests/storage/index/test_util.h"

namespace mailhoard::index {
namespace {

using testing::TempDir;

int64_t Count(Database& db, const char* sql) {
  Result<int64_t> n = db.QueryInt64(sql);
  REQUIRE(n.ok());
  return *n;
}

TEST_CASE("SqliteStatus maps result codes to error classes", "[index][database]") {
  Status full = SqliteStatus(SQLITE_FULL, "inserting", "/a/index.db", "database or disk is full");
  CHECK(full.code() == ErrorCode::kDiskFull);
  for (int rc : {SQLITE_NOTADB, SQLITE_CORRUPT, SQLITE_CORRUPT_INDEX}) {
    Status s = SqliteStatus(rc, "opening", "/a/index.db", "file is not a database");
    CHECK(s.code() == ErrorCode::kCorrupt);
    CHECK_THAT(s.message(), Catch::Contains("not a mailhoard index"));
    CHECK_THAT(s.message(), Catch::Contains("/a/index.db"));
  }
  for (int rc : {SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_READONLY_DIRECTORY}) {
    Status s = SqliteStatus(rc, "opening", "/ro/index.db", "x");
    CHECK(s.code() == ErrorCode::kIo);
    CHECK_THAT(s.message(), Catch::Contains("/ro/index.db"));
    CHECK_FALSE(s.transient());
  }
  Status busy = SqliteStatus(SQLITE_BUSY_SNAPSHOT, "committing", "/a/index.db", "locked");
  CHECK(busy.code() == ErrorCode::kLocked);
  CHECK(busy.transient());
  CHECK(SqliteStatus(SQLITE_CONSTRAINT_UNIQUE, "x", "p", "d").code() ==
        ErrorCode::kInvalidArgument);
  CHECK(SqliteStatus(SQLITE_DONE, "x", "p", "d").ok());
}

TEST_CASE("Database runs statements, binds and reads columns", "[index][database]") {
  TempDir dir;
  Database db;
  REQUIRE(db.Open(dir.File("t.db"), {}).ok());
  REQUIRE(db.EnableWriteAheadLog().ok());
  CHECK(db.GetUniqueStatement("PRAGMA journal_mode").Step());
  REQUIRE(db.Execute("CREATE TABLE t (a INTEGER, b TEXT, c BLOB)").ok());

  for (int i = 0; i < 3; ++i) {
    Statement s = db.GetCachedStatement("INSERT INTO t (a, b, c) VALUES (?, ?, ?)");
    s.BindInt64(0, i);
    s.BindTextOrNull(1, i == 2 ? "" : "text" + std::to_string(i));
    s.BindBlob(2, std::string("\0x\xff", 3));
    REQUIRE(s.Run().ok());
  }
  Statement q = db.GetCachedStatement("SELECT a, b, c FROM t ORDER BY a");
  int rows = 0;
  while (q.Step()) {
    CHECK(q.ColumnInt64(0) == rows);
    CHECK(q.ColumnIsNull(1) == (rows == 2));
    if (rows < 2) CHECK(q.ColumnText(1) == "text" + std::to_string(rows));
    CHECK(q.ColumnBlob(2) == std::string("\0x\xff", 3));
    ++rows;
  }
  CHECK(q.status().ok());
  CHECK(rows == 3);

  // Reset and re-run with a new binding.
  Statement p = db.GetUniqueStatement("SELECT count(*) FROM t WHERE a >= ?");
  p.BindInt64(0, 1);
  REQUIRE(p.Step());
  CHECK(p.ColumnInt64(0) == 2);
  p.Reset();
  p.BindInt64(0, 2);
  REQUIRE(p.Step());
  CHECK(p.ColumnInt64(0) == 1);
}

TEST_CASE("Cached statements are reused and safe to nest", "[index][database]") {
  TempDir dir;
  Database db;
  REQUIRE(db.Open(dir.File("t.db"), {}).ok());
  REQUIRE(db.Execute("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1), (2), (3);").ok());
  constexpr char kSql[] = "SELECT a FROM t ORDER BY a";
  // Nested use of the same SQL: the inner one must not reset the outer.
  Statement outer = db.GetCachedStatement(kSql);
  int pairs = 0;
  while (outer.Step()) {
    Statement inner = db.GetCachedStatement(kSql);
    while (inner.Step()) ++pairs;
    REQUIRE(inner.status().ok());
  }
  CHECK(pairs == 9);
  // Once released, the cached statement starts from a clean slate.
  Statement again = db.GetCachedStatement(kSql);
  REQUIRE(again.Step());
  CHECK(again.ColumnInt64(0) == 1);
}

TEST_CASE("Statement errors are sticky and carry the SQL", "[index][database]") {
  TempDir dir;
  Database db;
  REQUIRE(db.Open(dir.File("t.db"), {}).ok());
  Statement bad = db.GetUniqueStatement("SELEKT 1");
  CHECK_FALSE(bad.is_valid());
  CHECK_FALSE(bad.Step());
  CHECK_FALSE(bad.status().ok());
  CHECK_THAT(bad.status().message(), Catch::Contains("SELEKT"));

  REQUIRE(db.Execute("CREATE TABLE u (a INTEGER UNIQUE)").ok());
  REQUIRE(db.Execute("INSERT INTO u VALUES (1)").ok());
  Statement dup = db.GetCachedStatement("INSERT INTO u VALUES (?)");
  dup.BindInt64(0, 1);
  Status s = dup.Run();
  CHECK(s.code() == ErrorCode::kInvalidArgument);
  CHECK_FALSE(dup.Step());  // still failed
}

TEST_CASE("Transaction rolls back unless committed, nested ones are savepoints",
          "[index][database]") {
  TempDir dir;
  Database db;
  REQUIRE(db.Open(dir.File("t.db"), {}).ok());
  REQUIRE(db.Execute("CREATE TABLE t (a INTEGER)").ok());
  {
    Transaction t(&db);
    REQUIRE(t.Begin().ok());
    REQUIRE(db.Execute("INSERT INTO t VALUES (1)").ok());
  }  // destructor rolls back
  CHECK(Count(db, "SELECT count(*) FROM t") == 0);
  CHECK_FALSE(db.in_transaction());

  Transaction outer(&db);
  REQUIRE(outer.Begin().ok());
  REQUIRE(db.Execute("INSERT INTO t VALUES (1)").ok());
  {
    Transaction inner(&db);
    REQUIRE(inner.Begin().ok());
    REQUIRE(db.Execute("INSERT INTO t VALUES (2)").ok());
    inner.Rollback();
  }
  {
    Transaction inner(&db);
    REQUIRE(inner.Begin().ok());
    REQUIRE(db.Execute("INSERT INTO t VALUES (3)").ok());
    REQUIRE(inner.Commit().ok());
  }
  REQUIRE(outer.Commit().ok());
  CHECK(Count(db, "SELECT group_concat(a) = '1,3' FROM t") == 1);
}

TEST_CASE("A second writer gets a transient busy error", "[index][database]") {
  TempDir dir;
  Database a, b;
  REQUIRE(a.Open(dir.File("t.db"), {}).ok());
  REQUIRE(a.EnableWriteAheadLog().ok());
  REQUIRE(a.Execute("CREATE TABLE t (x)").ok());
  DatabaseOptions quick;
  quick.busy_timeout_ms = 20;
  REQUIRE(b.Open(dir.File("t.db"), quick).ok());
  Transaction ta(&a);
  REQUIRE(ta.Begin().ok());
  Transaction tb(&b);
  Status s = tb.Begin();
  CHECK(s.code() == ErrorCode::kLocked);
  CHECK(s.transient());
}

TEST_CASE("A full database reports kDiskFull", "[index][database]") {
  TempDir dir;
  Database db;
  REQUIRE(db.Open(dir.File("t.db"), {}).ok());
  REQUIRE(db.Execute("CREATE TABLE t (x BLOB)").ok());
  // max_page_count makes SQLite hit SQLITE_FULL exactly as a full disk would.
  REQUIRE(db.Execute("PRAGMA max_page_count = 8").ok());
  Status s;
  for (int i = 0; i < 100 && s.ok(); ++i) {
    Statement insert = db.GetCachedStatement("INSERT INTO t VALUES (?)");
    insert.BindBlob(0, std::string(4000, 'x'));
    s = insert.Run();
  }
  CHECK(s.code() == ErrorCode::kDiskFull);
}

TEST_CASE("Opening in a missing directory names the path", "[index][database]") {
  TempDir dir;
  Database db;
  std::string path = dir.File("no/such/dir/t.db");
  Status s = db.Open(path, {});
  CHECK(s.code() == ErrorCode::kIo);
  CHECK_THAT(s.message(), Catch::Contains(path));
  CHECK_FALSE(db.is_open());
}

unsigned FileMode(const std::string& path) {
  struct stat st {};
  REQUIRE(stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// The usual umask: without our own care SQLite would make every file 0644.
struct Umask022 {
  Umask022() : old(umask(022)) {}
  ~Umask022() { umask(old); }
  mode_t old;
};

TEST_CASE("a new index and its -wal and -shm files are owner-only", "[index][database]") {
  Umask022 mask;
  TempDir dir;
  const std::string path = dir.File("index.db");
  Database db;
  REQUIRE(db.Open(path, {}).ok());
  REQUIRE(db.EnableWriteAheadLog().ok());
  REQUIRE(db.Execute("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)").ok());
  CHECK(FileMode(path) == 0600);
  CHECK(FileMode(path + "-wal") == 0600);
  CHECK(FileMode(path + "-shm") == 0600);
}

TEST_CASE("an index an older build left 0644 becomes owner-only once opened for writing",
          "[index][database]") {
  Umask022 mask;
  TempDir dir;
  const std::string path = dir.File("index.db");
  {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "CREATE TABLE t (a INTEGER)", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    sqlite3_close(raw);
  }
  REQUIRE(FileMode(path) == 0644);
  {
    // Opening alone changes nothing: the file may not be an index at all.
    Database db;
    REQUIRE(db.Open(path, {}).ok());
    CHECK(FileMode(path) == 0644);
    REQUIRE(db.EnableWriteAheadLog().ok());
    CHECK(FileMode(path) == 0600);
  }
  {
    Database reader;
    REQUIRE(reader.Open(path, {.read_only = true}).ok());
    CHECK(FileMode(path) == 0600);
  }
}

TEST_CASE("an in-memory database is opened as before", "[index][database]") {
  Database db;
  REQUIRE(db.Open(":memory:", {}).ok());
  CHECK(db.Execute("CREATE TABLE t (a INTEGER)").ok());
}

}  // namespace
}  // namespace mailhoard::index
