// CheckArchive and RepairArchive over an Archive whose Maildir lives in the
// fault-injecting in-memory file system (the index is a real SQLite file in
// a temporary directory): each case damages a clean archive of three
// messages one way, then checks what verify reports and what repair does.
#include "engine/sync/verify.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>
#include <map>

#include "engine/sync/archive.h"
#include "tests/storage/maildir/fault_file_system.h"

#include "tests/support/temp_dir.h"

#include "tests/core/fake_clock.h"

namespace mailhoard::sync {
namespace {

using maildir::testing::FaultFileSystem;
using maildir::testing::FaultOp;

struct TempDir : mailhoard::testing::ScratchDir {
  TempDir() : ScratchDir("verify") {}
};

std::string Message(int n) {
  return "From: a@example.org\r\nSubject: note " + std::to_string(n) + "\r\nMessage-ID: <m" +
         std::to_string(n) + "@x>\r\n\r\nbody " + std::to_string(n) + "\r\n";
}

const RemoteFolderInfo kInbox{"INBOX", "INBOX", '/', "", ""};
const RemoteFolderInfo kArchive{"Archive", "Archive", '/', "", ""};

// A clean archive: INBOX holds UIDs 1..3 (UIDVALIDITY 42), Archive is empty.
struct Fixture {
  TempDir tmp;
  FaultFileSystem fs;
  std::string account_dir = tmp.path + "/acct";
  std::unique_ptr<Archive> archive;
  int64_t inbox_id = 0, archive_id = 0;
  std::map<uint32_t, std::string> paths;  // uid → file
  std::map<uint32_t, int64_t> rows;       // uid → index row

  Fixture() {
    std::filesystem::create_directories(account_dir);  // SQLite's side is real
    ArchiveOptions o;
    o.account_dir = account_dir;
    o.durability = maildir::Durability::kBatch;
    o.clock = &mailhoard::testing::ArchiveTestClock();
    o.fs = &fs;
    auto opened = Archive::Open(o);
    REQUIRE(opened.ok());
    archive = std::move(opened).value();
    auto inbox = archive->OpenFolder(kInbox, 42);
    REQUIRE(inbox.ok());
    inbox_id = (*inbox)->id;
    auto other = archive->OpenFolder(kArchive, 7);
    REQUIRE(other.ok());
    archive_id = (*other)->id;
    for (uint32_t uid = 1; uid <= 3; ++uid) {
      auto msg = archive->NewMessage(*inbox);
      REQUIRE(msg.ok());
      const std::string bytes = Message(static_cast<int>(uid));
      REQUIRE((*msg)->Write(bytes.data(), bytes.size()).ok());
      IncomingMeta meta;
      meta.uidvalidity = 42;
      meta.uid = uid;
      auto id = (*msg)->Commit(meta);
      REQUIRE(id.ok());
      rows[uid] = *id;
    }
    REQUIRE(archive->Flush().ok());
    for (uint32_t uid = 1; uid <= 3; ++uid) {
      auto row = archive->index().FindMessage(inbox_id, 42, uid);
      REQUIRE(row.ok());
      REQUIRE(row->has_value());
      paths[uid] = Dir(inbox_id) + "/" + (*row)->file_name;
    }
  }

  std::string Dir(int64_t folder_id) {
    auto rec = archive->index().GetFolder(folder_id);
    REQUIRE(rec.ok());
    REQUIRE(rec->has_value());
    return (*rec)->local_path.empty() ? account_dir : account_dir + "/" + (*rec)->local_path;
  }

  void Put(const std::string& path, const std::string& bytes) {
    (void)fs.Unlink(path);
    auto f = fs.NewWritableFile(path);
    REQUIRE(f.ok());
    REQUIRE((*f)->Append(bytes.data(), bytes.size()).ok());
    REQUIRE((*f)->Close().ok());
  }
  std::string Get(const std::string& path) {
    auto r = maildir::ReadSmallFile(fs, path);
    REQUIRE(r.ok());
    return *r;
  }
  bool Exists(const std::string& path) { return fs.Stat(path).ok(); }

  // Checks, and makes sure checking changed nothing on disk.
  CheckReport Check() {
    const int before = fs.mutating_ops();
    auto r = CheckArchive(archive->index(), fs, account_dir);
    REQUIRE(r.ok());
    CHECK(fs.mutating_ops() == before);
    return *r;
  }
};

std::string Orphan(uint32_t uid) {
  return "1700000000.M1P1.test,U=" + std::to_string(uid) +
         ",S=" + std::to_string(Message(static_cast<int>(uid)).size()) + ":2,S";
}

std::vector<std::string> Kinds(const CheckReport& r) {
  std::vector<std::string> out;
  for (const Finding& f : r.findings) out.emplace_back(FindingKindName(f.kind));
  return out;
}

// Ways to damage the clean archive of the fixture.
void NoDamage(Fixture&) {}
void LeaveTmpDebris(Fixture& f) { f.Put(f.account_dir + "/tmp/debris", "x"); }
void RemoveFile2(Fixture& f) { REQUIRE(f.fs.Unlink(f.paths[2]).ok()); }
void RemoveExpungedFile2(Fixture& f) {
  const uint32_t uid = 2;
  REQUIRE(f.archive->index().MarkExpunged(f.inbox_id, 42, {&uid, 1}, 1700000001).ok());
  RemoveFile2(f);
}
void FlipByteOfFile1(Fixture& f) {
  std::string bytes = f.Get(f.paths[1]);
  bytes[bytes.size() / 2] ^= 0x20;
  f.Put(f.paths[1], bytes);
}
void TruncateFile3(Fixture& f) { f.Put(f.paths[3], "From: a\r\n"); }
void MakeFile1Unreadable(Fixture& f) { f.fs.FailAlways(FaultOp::kRead, EIO, f.paths[1]); }
void AddOrphanToInbox(Fixture& f) { f.Put(f.account_dir + "/cur/" + Orphan(9), Message(9)); }
void AddOrphanToArchiveNew(Fixture& f) {
  f.Put(f.Dir(f.archive_id) + "/new/" + Orphan(5), Message(5));
}
void RemoveFile3AddOrphanToArchive(Fixture& f) {
  REQUIRE(f.fs.Unlink(f.paths[3]).ok());
  f.Put(f.Dir(f.archive_id) + "/cur/" + Orphan(5), Message(5));
}
void AddSecondFileForUid1(Fixture& f) { f.Put(f.account_dir + "/cur/" + Orphan(1), Message(1)); }
void AddForeignFile(Fixture& f) { f.Put(f.account_dir + "/new/foreign:2,S", "x"); }
// The server would not deliver UID 4; then its file turns up after all.
void AddFileForUnfetchable4(Fixture& f) {
  auto inbox = f.archive->OpenFolder(kInbox, 42);
  REQUIRE(inbox.ok());
  REQUIRE(f.archive->RecordUnfetchable(*inbox, 42, 4, "placeholder").ok());
  REQUIRE(f.archive->Flush().ok());
  f.Put(f.account_dir + "/cur/" + Orphan(4), Message(4));
}

struct CheckCase {
  const char* name;
  void (*damage)(Fixture&);
  std::vector<std::string> kinds;
  uint64_t rows_checked, files_seen, unfetchable;
  bool needs_repair;
};

TEST_CASE("CheckArchive finds what differs between the index and the Maildir", "[verify]") {
  const std::vector<CheckCase> cases = {
      {"clean", NoDamage, {}, 3, 3, 0, false},
      {"tmp debris is left alone", LeaveTmpDebris, {}, 3, 3, 0, false},
      {"missing file", RemoveFile2, {"missing"}, 3, 2, 0, true},
      {"missing file the server expunged", RemoveExpungedFile2, {"missing"}, 3, 2, 0, false},
      {"corrupted file, same size", FlipByteOfFile1, {"hash-mismatch"}, 3, 3, 0, false},
      {"truncated file", TruncateFile3, {"size-mismatch"}, 3, 3, 0, false},
      {"unreadable file", MakeFile1Unreadable, {"unreadable"}, 3, 3, 0, false},
      {"orphan file", AddOrphanToInbox, {"orphan"}, 3, 4, 0, true},
      {"orphan in new of another folder", AddOrphanToArchiveNew, {"orphan"}, 3, 4, 0, true},
      {"second file under a known UID", AddSecondFileForUid1, {"unindexed"}, 3, 4, 0, false},
      {"file not written by mailhoard", AddForeignFile, {"unindexed"}, 3, 4, 0, false},
      {"file under an unfetchable UID", AddFileForUnfetchable4, {"orphan"}, 3, 4, 1, true},
  };
  for (const CheckCase& c : cases) {
    DYNAMIC_SECTION(c.name) {
      Fixture f;
      c.damage(f);
      CheckReport r = f.Check();
      CHECK(Kinds(r) == c.kinds);
      CHECK(r.rows_checked == c.rows_checked);
      CHECK(r.files_seen == c.files_seen);
      CHECK(r.unfetchable == c.unfetchable);
      CHECK(r.quick_check == "ok");
      CHECK(r.clean() == c.kinds.empty());
      CHECK(NeedsRepair(r) == c.needs_repair);
      for (const Finding& finding : r.findings) {
        CHECK_FALSE(finding.detail.empty());
        CHECK(finding.path.rfind(f.account_dir + "/", 0) == 0);
      }
    }
  }
}

TEST_CASE("CheckArchive reports the path of each finding", "[verify]") {
  Fixture f;
  REQUIRE(f.fs.Unlink(f.paths[2]).ok());
  std::string bytes = f.Get(f.paths[1]);
  bytes[0] ^= 0x20;
  f.Put(f.paths[1], bytes);
  const std::string orphan = f.account_dir + "/cur/" + Orphan(9);
  f.Put(orphan, Message(9));
  CheckReport r = f.Check();
  REQUIRE(r.findings.size() == 3);
  std::map<std::string, Finding> by_kind;
  for (const Finding& finding : r.findings)
    by_kind[std::string(FindingKindName(finding.kind))] = finding;
  CHECK(by_kind["missing"].path == f.paths[2]);
  CHECK(by_kind["missing"].message_id == f.rows[2]);
  CHECK_FALSE(by_kind["missing"].expunged);
  CHECK(by_kind["hash-mismatch"].path == f.paths[1]);
  CHECK(by_kind["hash-mismatch"].detail.rfind("SHA-256 ", 0) == 0);
  CHECK(by_kind["orphan"].path == orphan);
  CHECK(by_kind["orphan"].detail.find("carries UID 9") != std::string::npos);
  CHECK(r.orphan_folders == std::set<int64_t>{f.inbox_id});
  CHECK(r.Count(FindingKind::kMissing) == 1);
}

struct RepairCase {
  const char* name;
  void (*damage)(Fixture&);
  size_t requeued, adopted;
  // After the repair.
  std::vector<std::string> kinds;
  uint64_t rows_checked, unfetchable;
};

TEST_CASE("RepairArchive requeues missing files and adopts orphans", "[verify]") {
  const std::vector<RepairCase> cases = {
      {"nothing to do", NoDamage, 0, 0, {}, 3, 0},
      {"missing file is queued for the next sync", RemoveFile2, 1, 0, {}, 2, 1},
      {"orphan is adopted", AddOrphanToInbox, 0, 1, {}, 4, 0},
      {"missing and orphan together", RemoveFile3AddOrphanToArchive, 1, 1, {}, 3, 1},
      {"expunged missing file is not requeued", RemoveExpungedFile2, 0, 0, {"missing"}, 3, 0},
      {"file under an unfetchable row replaces the row", AddFileForUnfetchable4, 0, 1, {}, 4, 0},
      {"unindexed file is only reported", AddForeignFile, 0, 0, {"unindexed"}, 3, 0},
  };
  for (const RepairCase& c : cases) {
    DYNAMIC_SECTION(c.name) {
      Fixture f;
      c.damage(f);
      CheckReport before = f.Check();
      const int renames = f.fs.count(FaultOp::kRename);
      auto repaired = RepairArchive(*f.archive, before);
      REQUIRE(repaired.ok());
      CHECK(repaired->requeued == c.requeued);
      CHECK(repaired->adopted == c.adopted);
      CHECK(f.fs.count(FaultOp::kRename) == renames);  // no message file moved
      CheckReport after = f.Check();
      CHECK(Kinds(after) == c.kinds);
      CHECK(after.rows_checked == c.rows_checked);
      CHECK(after.unfetchable == c.unfetchable);
      // Repairing twice changes nothing more.
      auto again = RepairArchive(*f.archive, after);
      REQUIRE(again.ok());
      CHECK(again->requeued == 0);
      CHECK(again->adopted == 0);
    }
  }
}

TEST_CASE("RepairArchive adopts into a folder gone on the server, which stays gone", "[verify]") {
  Fixture f;
  REQUIRE(f.archive->index().MarkFolderGone(f.archive_id, 1700000005).ok());
  const std::string orphan = f.Dir(f.archive_id) + "/cur/" + Orphan(5);
  f.Put(orphan, Message(5));
  auto repaired = RepairArchive(*f.archive, f.Check());
  REQUIRE(repaired.ok());
  CHECK(repaired->adopted == 1);
  auto rec = f.archive->index().GetFolder(f.archive_id);
  REQUIRE(rec.ok());
  REQUIRE(rec->has_value());
  CHECK((*rec)->state == index::FolderState::kGoneOnServer);
  CHECK((*rec)->gone_since == int64_t{1700000005});
  auto row = f.archive->index().FindMessage(f.archive_id, 7, 5);
  REQUIRE(row.ok());
  REQUIRE(row->has_value());
  CHECK(f.account_dir + "/" + (*rec)->local_path + "/" + (*row)->file_name == orphan);
  CHECK(f.Check().clean());
}

TEST_CASE("RepairArchive leaves a file that came back after the check", "[verify]") {
  Fixture f;
  const std::string bytes = f.Get(f.paths[2]);
  REQUIRE(f.fs.Unlink(f.paths[2]).ok());
  CheckReport r = f.Check();
  REQUIRE(Kinds(r) == std::vector<std::string>{"missing"});
  f.Put(f.paths[2], bytes);  // restored from a backup meanwhile
  auto repaired = RepairArchive(*f.archive, r);
  REQUIRE(repaired.ok());
  CHECK(repaired->requeued == 0);
  CHECK(f.Check().clean());
}

TEST_CASE("a failing file system gives a clear error and loses nothing", "[verify]") {
  SECTION("listing a folder fails during the check") {
    Fixture f;
    f.fs.FailAlways(FaultOp::kList, EIO, f.account_dir + "/cur");
    auto r = CheckArchive(f.archive->index(), f.fs, f.account_dir);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::kIo);
    CHECK(r.status().message().find("listing folder") != std::string::npos);
    CHECK(r.status().message().find(f.account_dir + "/cur") != std::string::npos);
  }
  SECTION("reading an orphan fails during adoption") {
    Fixture f;
    const std::string orphan = f.account_dir + "/cur/" + Orphan(9);
    f.Put(orphan, Message(9));
    f.Put(f.account_dir + "/cur/" + Orphan(8), Message(8));
    CheckReport before = f.Check();
    REQUIRE(Kinds(before) == std::vector<std::string>{"orphan", "orphan"});
    f.fs.FailAlways(FaultOp::kRead, EIO, orphan);
    auto repaired = RepairArchive(*f.archive, before);
    REQUIRE_FALSE(repaired.ok());
    CHECK(repaired.status().code() == ErrorCode::kIo);
    CHECK(repaired.status().message().find(orphan) != std::string::npos);
    f.fs.ClearFaults();
    // Both files are where they were and the index is as before: UID 8,
    // read before the failure, was not half-recorded.
    CHECK(f.Get(orphan) == Message(9));
    CHECK(Kinds(f.Check()) == std::vector<std::string>{"orphan", "orphan"});
    for (uint32_t uid = 1; uid <= 3; ++uid) CHECK(f.Get(f.paths[uid]) == Message(int(uid)));
    // And the repair goes through once the file system does.
    auto retried = RepairArchive(*f.archive, before);
    REQUIRE(retried.ok());
    CHECK(retried->adopted == 2);
    CHECK(f.Check().clean());
  }
  SECTION("looking at a missing file fails before it is queued") {
    Fixture f;
    REQUIRE(f.fs.Unlink(f.paths[2]).ok());
    CheckReport before = f.Check();
    f.fs.FailAlways(FaultOp::kStat, EIO, f.paths[2]);
    auto repaired = RepairArchive(*f.archive, before);
    REQUIRE_FALSE(repaired.ok());
    CHECK(repaired.status().code() == ErrorCode::kIo);
    CHECK(repaired.status().message().find(f.paths[2]) != std::string::npos);
    f.fs.ClearFaults();
    auto row = f.archive->index().FindMessage(f.inbox_id, 42, 2);
    REQUIRE(row.ok());
    REQUIRE(row->has_value());
    CHECK_FALSE((*row)->file_name.empty());  // not requeued half-way
    CHECK((*row)->unfetchable_reason.empty());
    CHECK(Kinds(f.Check()) == std::vector<std::string>{"missing"});
  }
  SECTION("renames fail throughout the repair") {
    Fixture f;
    REQUIRE(f.fs.Unlink(f.paths[1]).ok());
    const std::string orphan = f.account_dir + "/cur/" + Orphan(9);
    f.Put(orphan, Message(9));
    f.fs.FailAlways(FaultOp::kRename, EIO);
    auto repaired = RepairArchive(*f.archive, f.Check());
    REQUIRE(repaired.ok());  // a repair never moves a message
    CHECK(repaired->requeued == 1);
    CHECK(repaired->adopted == 1);
    CHECK(f.Get(orphan) == Message(9));
    CHECK(f.Check().clean());
  }
}

}  // namespace
}  // namespace mailhoard::sync
