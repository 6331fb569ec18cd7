#include "storage/index/schema.h"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include "storage/index/index.h"
#include "tests/storage/index/test_util.h"

namespace mailhoard::index {
namespace {

using testing::ReadBytes;
using testing::TempDir;
using testing::WriteBytes;

int64_t Query(Database& db, const char* sql) {
  Result<int64_t> n = db.QueryInt64(sql);
  REQUIRE(n.ok());
  return *n;
}

Status AddColorColumn(Database& db) {
  return db.Execute(
      "ALTER TABLE folders ADD COLUMN color TEXT NOT NULL DEFAULT 'none';"
      "CREATE TABLE labels (id INTEGER PRIMARY KEY, name TEXT NOT NULL);");
}

Status HalfDoneThenFail(Database& db) {
  Status s = db.Execute("CREATE TABLE half_done (x)");
  if (!s.ok()) return s;
  return db.Execute("THIS IS NOT SQL");
}

bool SidecarsExist(const std::string& path) {
  return std::filesystem::exists(path + "-wal") || std::filesystem::exists(path + "-journal");
}

TEST_CASE("A new index gets the latest schema and our application id", "[index][schema]") {
  TempDir dir;
  auto index = Index::Open(dir.File("index.db"), {});
  REQUIRE(index.ok());
  CHECK((*index)->schema_version() == LatestSchemaVersion(BuiltinMigrations()));
  index->reset();
  Database db;
  REQUIRE(db.Open(dir.File("index.db"), {}).ok());
  CHECK(Query(db, "PRAGMA application_id") == kApplicationId);
  CHECK(Query(db, "PRAGMA user_version") == LatestSchemaVersion(BuiltinMigrations()));
  CHECK(Query(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'messages_unfetchable'") == 1);
  CHECK(Query(db,
              "SELECT count(*) FROM sqlite_schema WHERE name IN ('folders', 'messages', "
              "'pop3_uidls', 'dictionaries', 'meta', 'messages_fts')") == 6);
  CHECK(ReadBytes(dir.File("index.db")).substr(18, 2) == std::string("\x02\x02", 2));  // WAL
}

TEST_CASE("Migration to a next version keeps data and bumps the version", "[index][schema]") {
  TempDir dir;
  const std::string path = dir.File("index.db");
  std::span<const Migration> v1 = BuiltinMigrations();
  const int n = LatestSchemaVersion(v1);
  {
    // A hand-made v1 file with data in it.
    Database db;
    REQUIRE(db.Open(path, {}).ok());
    REQUIRE(MigrateSchema(db, v1).ok());
    REQUIRE(db.Execute("INSERT INTO folders (remote_name, display_name, local_path) "
                       "VALUES (x'494e424f58', 'INBOX', 'INBOX')")
                .ok());
  }
  std::vector<Migration> v2(v1.begin(), v1.end());
  v2.push_back({n + 1, "folder colors", &AddColorColumn});
  {
    Database db;
    REQUIRE(db.Open(path, {}).ok());
    Result<int> version = InspectSchema(db, n + 1);
    REQUIRE(version.ok());
    CHECK(*version == n);
    REQUIRE(MigrateSchema(db, v2).ok());
    CHECK(Query(db, "PRAGMA user_version") == n + 1);
    CHECK(Query(db,
                "SELECT count(*) FROM folders WHERE color = 'none' AND "
                "display_name = 'INBOX'") == 1);
    CHECK(Query(db, "SELECT count(*) FROM labels") == 0);
    // Idempotent: nothing left to apply.
    REQUIRE(MigrateSchema(db, v2).ok());
    CHECK(Query(db, "PRAGMA user_version") == n + 1);
  }
  // This build must refuse the newer file without touching it.
  std::string before = ReadBytes(path);
  auto index = Index::Open(path, {});
  REQUIRE_FALSE(index.ok());
  CHECK(index.status().code() == ErrorCode::kUnsupported);
  CHECK_THAT(index.status().message(), Catch::Contains("newer mailhoard"));
  CHECK(ReadBytes(path) == before);
}

TEST_CASE("An index from the first release is upgraded when opened", "[index][schema]") {
  TempDir dir;
  const std::string path = dir.File("index.db");
  {
    Database db;
    REQUIRE(db.Open(path, {}).ok());
    std::span<const Migration> all = BuiltinMigrations();
    REQUIRE(MigrateSchema(db, all.first(1)).ok());
    REQUIRE(db.Execute("INSERT INTO folders (remote_name, display_name, local_path) "
                       "VALUES (x'494e424f58', 'INBOX', 'INBOX')")
                .ok());
  }
  auto index = Index::Open(path, {});
  REQUIRE(index.ok());
  CHECK((*index)->schema_version() == LatestSchemaVersion(BuiltinMigrations()));
  index->reset();
  Database db;
  REQUIRE(db.Open(path, {}).ok());
  CHECK(Query(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'messages_unfetchable'") == 1);
  CHECK(Query(db, "SELECT count(*) FROM folders") == 1);
}

TEST_CASE("A POP3 reservation an older build left in meta becomes rows", "[index][schema]") {
  TempDir dir;
  const std::string path = dir.File("index.db");
  {
    Database db;
    REQUIRE(db.Open(path, {}).ok());
    REQUIRE(MigrateSchema(db, BuiltinMigrations().first(4)).ok());
    REQUIRE(db.Execute("INSERT INTO folders (remote_name, display_name, local_path) "
                       "VALUES (x'494e424f58', 'INBOX', 'INBOX')")
                .ok());
    // Two good lines, a damaged one, and a folder that no longer exists.
    REQUIRE(db.Execute("INSERT INTO meta (key, value) VALUES "
                       "('pop3.reserved.1', '7 uidl-a' || char(10) || 'x y' || char(10) || "
                       "'8 uidl b with spaces' || char(10)), "
                       "('pop3.reserved.99', '1 orphan' || char(10))")
                .ok());
  }
  auto index = Index::Open(path, {});
  REQUIRE(index.ok());
  auto reserved = (*index)->GetPop3Reservation(1);
  REQUIRE(reserved.ok());
  CHECK(*reserved == std::vector<Pop3Reservation>{{7, "uidl-a"}, {8, "uidl b with spaces"}});
  auto stale = (*index)->GetMeta("pop3.reserved.1");
  REQUIRE(stale.ok());
  CHECK_FALSE(stale->has_value());
  REQUIRE((*index)->SetPop3Reservation(1, {}).ok());
  CHECK((*index)->GetPop3Reservation(1)->empty());
}

TEST_CASE("A failing migration step leaves the file at the old version", "[index][schema]") {
  TempDir dir;
  Database db;
  REQUIRE(db.Open(dir.File("index.db"), {}).ok());
  std::span<const Migration> v1 = BuiltinMigrations();
  const int n = LatestSchemaVersion(v1);
  REQUIRE(MigrateSchema(db, v1).ok());
  std::vector<Migration> broken(v1.begin(), v1.end());
  broken.push_back({n + 1, "broken step", &HalfDoneThenFail});
  Status s = MigrateSchema(db, broken);
  CHECK_FALSE(s.ok());
  CHECK_THAT(s.message(), Catch::Contains("schema v" + std::to_string(n + 1)));
  CHECK(Query(db, "PRAGMA user_version") == n);
  CHECK(Query(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'") == 0);

  std::vector<Migration> gap(v1.begin(), v1.end());
  gap.push_back({n + 2, "skips one", &AddColorColumn});
  CHECK(MigrateSchema(db, gap).code() == ErrorCode::kInternal);
}

TEST_CASE("A foreign SQLite database is refused and left byte-identical", "[index][schema]") {
  TempDir dir;
  const std::string path = dir.File("other.db");
  {
    Database db;
    REQUIRE(db.Open(path, {}).ok());
    REQUIRE(db.Execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT);"
                       "INSERT INTO moz_places (url) VALUES ('https://example.org');")
                .ok());
  }
  REQUIRE_FALSE(SidecarsExist(path));
  const std::string before = ReadBytes(path);
  auto index = Index::Open(path, {});
  REQUIRE_FALSE(index.ok());
  CHECK(index.status().code() == ErrorCode::kCorrupt);
  CHECK_THAT(index.status().message(), Catch::Contains("not a mailhoard index"));
  CHECK(ReadBytes(path) == before);
  CHECK_FALSE(SidecarsExist(path));

  // Another application's id, even with an empty schema, is not ours either.
  const std::string tagged = dir.File("tagged.db");
  {
    Database db;
    REQUIRE(db.Open(tagged, {}).ok());
    REQUIRE(db.Execute("PRAGMA application_id = 1234").ok());
  }
  const std::string tagged_before = ReadBytes(tagged);
  auto tagged_index = Index::Open(tagged, {});
  CHECK(tagged_index.status().code() == ErrorCode::kCorrupt);
  CHECK(ReadBytes(tagged) == tagged_before);
}

TEST_CASE("A file that is not a database is refused unchanged", "[index][schema]") {
  TempDir dir;
  const std::string path = dir.File("index.db");
  std::string junk = "From: someone\r\nSubject: this is a mail, not a database\r\n\r\n";
  for (int i = 0; i < 200; ++i) junk += "line " + std::to_string(i) + "\r\n";
  WriteBytes(path, junk);
  auto index = Index::Open(path, {});
  REQUIRE_FALSE(index.ok());
  CHECK(index.status().code() == ErrorCode::kCorrupt);
  CHECK_THAT(index.status().message(), Catch::Contains("not a mailhoard index"));
  CHECK(ReadBytes(path) == junk);
}

TEST_CASE("A truncated index is reported corrupt and left unchanged", "[index][schema]") {
  TempDir dir;
  const std::string path = dir.File("index.db");
  {
    auto index = Index::Open(path, {});
    REQUIRE(index.ok());
    REQUIRE((*index)->SetMeta("k", std::string(20000, 'v')).ok());
  }
  const std::string full = ReadBytes(path);
  REQUIRE(full.size() > 8192);
  // Cut inside the header, inside page 1, and just past it.
  for (size_t cut : {size_t{50}, size_t{99}, size_t{1000}, size_t{4096}}) {
    INFO("truncated to " << cut);
    const std::string truncated = full.substr(0, cut);
    WriteBytes(path, truncated);
    auto index = Index::Open(path, {});
    REQUIRE_FALSE(index.ok());
    CHECK(index.status().code() == ErrorCode::kCorrupt);
    CHECK(ReadBytes(path) == truncated);
  }
}

TEST_CASE("Truncating the index at any page boundary never goes unnoticed", "[index][schema]") {
  TempDir dir;
  const std::string path = dir.File("index.db");
  {
    auto index = Index::Open(path, {});
    REQUIRE(index.ok());
    FolderRecord f;
    f.remote_name = "INBOX";
    f.display_name = "INBOX";
    f.local_path = "INBOX";
    auto folder = (*index)->UpsertFolder(f);
    REQUIRE(folder.ok());
    REQUIRE((*index)->BeginBatch().ok());
    for (uint32_t uid = 1; uid <= 300; ++uid) {
      MessageRecord m;
      m.folder_id = *folder;
      m.uidvalidity = 1;
      m.uid = uid;
      m.file_name = "cur/" + std::to_string(uid) + std::string(60, 'x');
      m.subject = "subject number " + std::to_string(uid);
      m.created_at = 1;
      REQUIRE((*index)->InsertMessage(m, "", "body text " + std::to_string(uid)).ok());
    }
    REQUIRE((*index)->CommitBatch().ok());
  }
  const std::string full = ReadBytes(path);
  const size_t page = 4096;
  REQUIRE(full.size() % page == 0);
  REQUIRE(full.size() >= 6 * page);
  for (size_t cut = page; cut < full.size(); cut += page) {
    INFO("truncated to " << cut << " of " << full.size());
    const std::string truncated = full.substr(0, cut);
    WriteBytes(path, truncated);
    auto index = Index::Open(path, {});
    REQUIRE_FALSE(index.ok());
    CHECK(index.status().code() == ErrorCode::kCorrupt);
    CHECK(ReadBytes(path) == truncated);
  }
}

TEST_CASE("Damaged pages inside the index are found by QuickCheck", "[index][schema]") {
  TempDir dir;
  const std::string path = dir.File("index.db");
  {
    auto index = Index::Open(path, {});
    REQUIRE(index.ok());
    for (int i = 0; i < 200; ++i) {
      REQUIRE((*index)->SetMeta("key" + std::to_string(i), std::string(300, 'a' + i % 26)).ok());
    }
    REQUIRE((*index)->QuickCheck().ok());
  }
  std::string bytes = ReadBytes(path);
  const size_t page = 4096;
  REQUIRE(bytes.size() >= 8 * page);
  // Scribble over the last page (meta rows), leaving the schema pages intact.
  for (size_t i = bytes.size() - page; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
  WriteBytes(path, bytes);
  auto index = Index::Open(path, {});
  if (index.ok()) {
    CHECK((*index)->QuickCheck().code() == ErrorCode::kCorrupt);
  } else {
    CHECK(index.status().code() == ErrorCode::kCorrupt);
  }
}

TEST_CASE("Opening errors name the path", "[index][schema]") {
  TempDir dir;
  const std::string missing_dir = dir.File("nope/index.db");
  auto index = Index::Open(missing_dir, {});
  REQUIRE_FALSE(index.ok());
  CHECK(index.status().code() == ErrorCode::kIo);
  CHECK_THAT(index.status().message(), Catch::Contains(missing_dir));

  IndexOptions read_only;
  read_only.read_only = true;
  const std::string absent = dir.File("absent.db");
  auto ro = Index::Open(absent, read_only);
  REQUIRE_FALSE(ro.ok());
  CHECK_THAT(ro.status().message(), Catch::Contains(absent));
  CHECK_FALSE(std::filesystem::exists(absent));

  // A directory where the file should be.
  std::filesystem::create_directory(dir.File("dir.db"));
  auto on_dir = Index::Open(dir.File("dir.db"), {});
  REQUIRE_FALSE(on_dir.ok());
  CHECK(on_dir.status().code() == ErrorCode::kIo);
  CHECK_THAT(on_dir.status().message(), Catch::Contains(dir.File("dir.db")));
}

TEST_CASE("Read-only index: reads work, writes fail with kIo", "[index][schema]") {
  TempDir dir;
  const std::string path = dir.File("index.db");
  {
    auto index = Index::Open(path, {});
    REQUIRE(index.ok());
    REQUIRE((*index)->SetMeta("last_run", "ok").ok());
  }
  IndexOptions read_only;
  read_only.read_only = true;
  auto index = Index::Open(path, read_only);
  REQUIRE(index.ok());
  auto value = (*index)->GetMeta("last_run");
  REQUIRE(value.ok());
  CHECK(value->value_or("") == "ok");
  Status s = (*index)->SetMeta("last_run", "again");
  CHECK(s.code() == ErrorCode::kIo);
  CHECK_THAT(s.message(), Catch::Contains(path));
}

TEST_CASE("Read-only file or directory gives a clear error", "[index][schema]") {
  if (geteuid() == 0) {
    WARN("running as root: permission bits are not enforced, skipping");
    return;
  }
  TempDir dir;
  const std::string path = dir.File("index.db");
  {
    auto index = Index::Open(path, {});
    REQUIRE(index.ok());
  }
  std::filesystem::permissions(path, std::filesystem::perms::owner_read);
  auto index = Index::Open(path, {});
  REQUIRE_FALSE(index.ok());
  CHECK(index.status().code() == ErrorCode::kIo);
  CHECK_THAT(index.status().message(), Catch::Contains(path));
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  std::filesystem::permissions(
      dir.path(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  auto in_ro_dir = Index::Open(dir.File("new.db"), {});
  REQUIRE_FALSE(in_ro_dir.ok());
  CHECK(in_ro_dir.status().code() == ErrorCode::kIo);
  CHECK_THAT(in_ro_dir.status().message(), Catch::Contains(dir.File("new.db")));
}

}  // namespace
}  // namespace mailhoard::index
