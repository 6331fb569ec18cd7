// Crash and fault tests over the fault-injecting file system: the machine
// stops at every step of a sync, loses whatever was not fsynced, and the next
// run must find every message the index committed, complete, and nothing
// half-written.
#include <catch2/catch.hpp>

#include <cerrno>
#include <map>
#include <set>

#include "storage/maildir/maildir.h"
#include "tests/storage/maildir/fault_file_system.h"

namespace mailhoard::maildir {
namespace {

using testing::FaultFileSystem;
using testing::FaultOp;

const std::string kRoot = "/archive/acct";
const std::string kFolder = ".Folder";

// Large enough to need several buffer flushes (the buffer is 4 KiB here).
std::string Body(uint32_t uid) {
  std::string body = "Message-ID: <" + std::to_string(uid) + "@test>\r\n\r\n";
  while (body.size() < 10'000) body += "line of message " + std::to_string(uid) + "\r\n";
  return body;
}

UniqueNameGenerator& Names() {
  static UniqueNameGenerator gen([] { return WallTime{1'700'000'000, 0}; }, 1, "test", 1);
  return gen;
}

MaildirOptions Options(Durability d) {
  MaildirOptions o;
  o.durability = d;
  o.write_buffer_bytes = 4096;
  return o;
}

// One sync run: deliver `uids` (skipping those already on disk), then commit
// "the index". Returns false where the crash stopped it.
bool SyncRun(FaultFileSystem& fs, Durability d, const std::vector<uint32_t>& uids,
             std::set<uint32_t>* committed) {
  Maildir md(&fs, kRoot, Options(d), &Names());
  if (!md.EnsureFolder(kFolder).ok()) return false;
  std::vector<uint32_t> pending;
  for (uint32_t uid : uids) {
    Result<MessageWriter> w = md.NewMessage(kFolder);
    if (!w.ok()) return false;
    std::string body = Body(uid);
    for (size_t pos = 0; pos < body.size(); pos += 3000) {
      if (!w->Write(body.data() + pos, std::min<size_t>(3000, body.size() - pos)).ok()) {
        return false;
      }
    }
    if (!w->Commit(uid, kFlagSeen, 1'600'000'000 + uid).ok()) return false;
    pending.push_back(uid);
    // kFull: each message may be committed to the index on its own.
    if (d == Durability::kFull) committed->insert(uid);
  }
  if (!md.SyncBatch().ok()) return false;
  committed->insert(pending.begin(), pending.end());
  return true;
}

// After power loss: reconcile must show only complete messages and every
// committed one. Returns the uids found.
std::set<uint32_t> CheckAfterCrash(FaultFileSystem& fs, Durability d,
                                   const std::set<uint32_t>& committed) {
  Maildir md(&fs, kRoot, Options(d), &Names());
  REQUIRE(md.EnsureFolder(kFolder).ok());
  Result<ReconcileReport> report = md.Reconcile(kFolder);
  REQUIRE(report.ok());
  CHECK(fs.ListDir(kRoot + "/" + kFolder + "/tmp")->empty());
  CHECK(report->other_files.empty());
  std::set<uint32_t> found;
  for (const FoundMessage& m : report->messages) {
    INFO("found " << m.file_name);
    CHECK(found.insert(m.uid).second);
    std::string path = kRoot + "/" + kFolder + "/" + m.subdir + "/" + m.file_name;
    Result<std::string> bytes = ReadSmallFile(fs, path);
    REQUIRE(bytes.ok());
    CHECK(*bytes == Body(m.uid));
    CHECK(m.size == bytes->size());
    CHECK(m.flags == kFlagSeen);
    CHECK(fs.Stat(path)->mtime == 1'600'000'000 + m.uid);
  }
  for (uint32_t uid : committed) {
    INFO("committed uid " << uid);
    CHECK(found.count(uid) == 1);
  }
  return found;
}

void CrashAtEveryStep(Durability d) {
  const std::vector<uint32_t> uids = {1, 2, 3};
  int crash_points = 0;
  for (int n = 0;; ++n) {
    INFO("crash after " << n << " mutating operations");
    FaultFileSystem fs;
    fs.CrashAfter(n);
    std::set<uint32_t> committed;
    bool finished = SyncRun(fs, d, uids, &committed);
    if (finished) {
      CHECK(!fs.crashed());
      CHECK(committed.size() == uids.size());
      break;
    }
    REQUIRE(fs.crashed());
    ++crash_points;
    fs.LoseUnsyncedData();
    std::set<uint32_t> found = CheckAfterCrash(fs, d, committed);
    // Resume: adopt what is on disk, fetch only the rest, then everything is
    // there exactly once.
    std::vector<uint32_t> rest;
    for (uint32_t uid : uids) {
      if (!found.count(uid)) rest.push_back(uid);
    }
    REQUIRE(SyncRun(fs, d, rest, &committed));
    fs.LoseUnsyncedData();
    std::set<uint32_t> all = CheckAfterCrash(fs, d, committed);
    CHECK(all == std::set<uint32_t>(uids.begin(), uids.end()));
  }
  CHECK(crash_points > 20);
}

TEST_CASE("crash at every step with full durability", "[crash]") {
  CrashAtEveryStep(Durability::kFull);
}

TEST_CASE("crash at every step with batch durability", "[crash]") {
  CrashAtEveryStep(Durability::kBatch);
}

TEST_CASE("the fake loses exactly what was not synced", "[crash]") {
  FaultFileSystem fs;
  REQUIRE(*fs.CreateDir("/d"));
  REQUIRE(fs.SyncDir("/").ok());
  auto synced = fs.NewWritableFile("/d/synced");
  REQUIRE(synced.ok());
  REQUIRE((*synced)->Append("abc", 3).ok());
  REQUIRE((*synced)->Sync().ok());
  REQUIRE((*synced)->Append("def", 3).ok());
  auto unsynced = fs.NewWritableFile("/d/unsynced");
  REQUIRE(unsynced.ok());
  REQUIRE((*unsynced)->Append("x", 1).ok());
  REQUIRE(fs.SyncDir("/d").ok());
  REQUIRE(fs.Rename("/d/synced", "/d/renamed").ok());  // directory not synced again
  fs.LoseUnsyncedData();
  CHECK(*ReadSmallFile(fs, "/d/synced") == "abc");
  CHECK(*ReadSmallFile(fs, "/d/unsynced") == "");
  CHECK(fs.Stat("/d/renamed").status().code() == ErrorCode::kNotFound);
}

TEST_CASE("a file renamed into cur without an index row is found by reconcile", "[crash]") {
  FaultFileSystem fs;
  {
    Maildir md(&fs, kRoot, Options(Durability::kFull), &Names());
    REQUIRE(md.EnsureFolder(kFolder).ok());
    Result<MessageWriter> w = md.NewMessage(kFolder);
    REQUIRE(w.ok());
    REQUIRE(w->Write(Body(9)).ok());
    Result<DeliveredMessage> d = w->Commit(9, kFlagSeen | kFlagFlagged);
    REQUIRE(d.ok());
    // A second message stays in tmp/: the process dies before its commit.
    Result<MessageWriter> half = md.NewMessage(kFolder);
    REQUIRE(half.ok());
    REQUIRE(half->Write("half").ok());
    // Its tmp/ entry reached the disk (some other fsync of the directory).
    REQUIRE(fs.SyncDir(kRoot + "/" + kFolder + "/tmp").ok());
    fs.CrashAfter(0);  // the destructor's cleanup never happens
  }
  fs.LoseUnsyncedData();
  Maildir md(&fs, kRoot, Options(Durability::kFull), &Names());
  Result<ReconcileReport> r = md.Reconcile(kFolder);
  REQUIRE(r.ok());
  CHECK(r->tmp_removed == 1);
  REQUIRE(r->messages.size() == 1);
  CHECK(r->messages[0].uid == 9u);
  CHECK(r->messages[0].size == Body(9).size());
  CHECK(r->messages[0].flags == (kFlagSeen | kFlagFlagged));
  CHECK(r->messages[0].subdir == "cur");
  CHECK(MissingFiles(*r, {r->messages[0].file_name, "gone,U=3:2,S"}) ==
        std::vector<std::string>{"gone,U=3:2,S"});
}

TEST_CASE("ENOSPC while writing is kDiskFull and leaves nothing behind", "[fault]") {
  for (int nth = 1; nth <= 3; ++nth) {
    FaultFileSystem fs;
    Maildir md(&fs, kRoot, Options(Durability::kFull), &Names());
    REQUIRE(md.EnsureFolder(kFolder).ok());
    fs.FailNth(FaultOp::kWrite, nth, ENOSPC);
    Result<MessageWriter> w = md.NewMessage(kFolder);
    REQUIRE(w.ok());
    Status s;
    std::string body = Body(1);
    for (size_t pos = 0; pos < body.size() && s.ok(); pos += 1000) {
      s = w->Write(body.data() + pos, std::min<size_t>(1000, body.size() - pos));
    }
    // The last buffered bytes are written by Commit; either call may fail.
    Status commit = w->Commit(1, 0).status();
    CHECK(!commit.ok());
    Status err = s.ok() ? commit : s;
    CHECK(err.code() == ErrorCode::kDiskFull);
    CHECK(err.message().find("disk full") != std::string::npos);
    CHECK(err.message().find(kRoot + "/" + kFolder + "/tmp/") != std::string::npos);
    CHECK(fs.ListDir(kRoot + "/" + kFolder + "/cur")->empty());
    CHECK(fs.ListDir(kRoot + "/" + kFolder + "/tmp")->empty());
  }
}

TEST_CASE("EDQUOT is disk full too and EIO on fsync fails the commit", "[fault]") {
  FaultFileSystem fs;
  Maildir full(&fs, kRoot, Options(Durability::kFull), &Names());
  Maildir md(&fs, kRoot, Options(Durability::kBatch), &Names());
  REQUIRE(md.EnsureFolder(kFolder).ok());
  fs.FailNth(FaultOp::kCreate, 1, EDQUOT);
  CHECK(md.NewMessage(kFolder).status().code() == ErrorCode::kDiskFull);

  fs.FailNth(FaultOp::kSync, 1, EIO);
  Result<MessageWriter> w = full.NewMessage(kFolder);
  REQUIRE(w.ok());
  REQUIRE(w->Write("x").ok());
  Result<DeliveredMessage> d = w->Commit(1, 0);
  REQUIRE(!d.ok());
  CHECK(d.status().code() == ErrorCode::kIo);
  CHECK(fs.ListDir(kRoot + "/" + kFolder + "/cur")->empty());
  CHECK(fs.ListDir(kRoot + "/" + kFolder + "/tmp")->empty());

  // A failed syncfs or directory fsync is retried on the next call.
  Result<MessageWriter> w2 = md.NewMessage(kFolder);
  REQUIRE(w2.ok());
  REQUIRE(w2->Commit(2, 0).ok());
  fs.FailNth(FaultOp::kSyncFs, 1, EIO);
  CHECK(md.SyncBatch().code() == ErrorCode::kIo);
  CHECK(fs.ListDir(kRoot + "/" + kFolder + "/cur")->empty());
  fs.FailNth(FaultOp::kSyncDir, 1, EIO);
  CHECK(md.SyncBatch().code() == ErrorCode::kIo);
  int before = fs.count(FaultOp::kSyncDir);
  CHECK(md.SyncBatch().ok());
  CHECK(fs.count(FaultOp::kSyncDir) == before + 1);
  CHECK(fs.ListDir(kRoot + "/" + kFolder + "/cur")->size() == 1);
}

TEST_CASE("read-only or inaccessible directories give errors naming the path", "[fault]") {
  FaultFileSystem fs;
  Maildir md(&fs, kRoot, Options(Durability::kFull), &Names());
  fs.FailAlways(FaultOp::kMkdir, EACCES, kRoot);
  Status s = md.EnsureFolder(kFolder);
  CHECK(s.code() == ErrorCode::kIo);
  CHECK(s.message().find("permission denied") != std::string::npos);
  CHECK(s.message().find(kRoot) != std::string::npos);

  fs.ClearFaults();
  REQUIRE(md.EnsureFolder(kFolder).ok());
  fs.FailAlways(FaultOp::kCreate, EROFS, kRoot);
  Result<MessageWriter> w = md.NewMessage(kFolder);
  REQUIRE(!w.ok());
  CHECK(w.status().code() == ErrorCode::kIo);
  CHECK(w.status().message().find("read-only file system") != std::string::npos);
  CHECK(w.status().message().find(kRoot + "/" + kFolder + "/tmp/") != std::string::npos);
}

TEST_CASE("link falls back to a copy where hard links are impossible", "[fault]") {
  FaultFileSystem fs;
  Maildir md(&fs, kRoot, Options(Durability::kBatch), &Names());
  REQUIRE(md.EnsureFolder(".All").ok());
  REQUIRE(md.EnsureFolder(".Work").ok());
  Result<MessageWriter> w = md.NewMessage(".All");
  REQUIRE(w.ok());
  REQUIRE(w->Write(Body(1)).ok());
  Result<DeliveredMessage> d = w->Commit(1, 0, 1'600'000'001);
  REQUIRE(d.ok());
  fs.FailAlways(FaultOp::kLink, EXDEV);
  // Linking a message of the batch not yet synced works too.
  Result<std::string> copy = md.LinkMessage(".All", d->file_name, ".Work", 5, kFlagSeen);
  REQUIRE(copy.ok());
  REQUIRE(md.SyncBatch().ok());
  std::string path = kRoot + "/.Work/cur/" + *copy;
  CHECK(*ReadSmallFile(fs, path) == Body(1));
  CHECK(fs.Stat(path)->mtime == 1'600'000'001);
  Result<ParsedName> p = ParseMessageName(*copy);
  REQUIRE(p.ok());
  CHECK(p->uid == 5u);
  CHECK(p->flags == kFlagSeen);
  CHECK(p->size == Body(1).size());
}

TEST_CASE("flag changes and removals survive a crash once the batch is synced", "[crash]") {
  for (int n = 0;; ++n) {
    INFO("crash after " << n << " mutating operations");
    FaultFileSystem fs;
    std::string first, second;
    {
      Maildir md(&fs, kRoot, Options(Durability::kBatch), &Names());
      REQUIRE(md.EnsureFolder(kFolder).ok());
      for (uint32_t uid : {1u, 2u}) {
        Result<MessageWriter> w = md.NewMessage(kFolder);
        REQUIRE(w.ok());
        REQUIRE(w->Write(Body(uid)).ok());
        Result<DeliveredMessage> d = w->Commit(uid, 0);
        REQUIRE(d.ok());
        (uid == 1 ? first : second) = d->file_name;
      }
      REQUIRE(md.SyncBatch().ok());
    }
    fs.CrashAfter(n);
    bool synced = false;
    std::string renamed;
    {
      Maildir md(&fs, kRoot, Options(Durability::kBatch), &Names());
      Result<std::string> r = md.SetFlags(kFolder, first, kFlagSeen | kFlagFlagged);
      if (r.ok()) renamed = *r;
      synced = r.ok() && md.RemoveMessage(kFolder, second).ok() && md.SyncBatch().ok();
    }
    bool crashed = fs.crashed();
    fs.LoseUnsyncedData();
    Maildir md(&fs, kRoot, Options(Durability::kBatch), &Names());
    Result<ReconcileReport> report = md.Reconcile(kFolder);
    REQUIRE(report.ok());
    std::map<uint32_t, std::string> by_uid;
    for (const FoundMessage& m : report->messages) {
      CHECK(by_uid.emplace(m.uid, m.file_name).second);  // never two copies
      CHECK(*ReadSmallFile(fs, kRoot + "/" + kFolder + "/cur/" + m.file_name) == Body(m.uid));
    }
    REQUIRE(by_uid.count(1) == 1);
    CHECK((by_uid[1] == first || by_uid[1] == renamed));
    if (synced) {
      CHECK(by_uid[1] == renamed);
      CHECK(by_uid.count(2) == 0);
    }
    if (!crashed) break;
  }
}

TEST_CASE("batch mode syncs each changed directory once per batch", "[durability]") {
  for (Durability d : {Durability::kFull, Durability::kBatch, Durability::kNone}) {
    FaultFileSystem fs;
    Maildir md(&fs, kRoot, Options(d), &Names());
    REQUIRE(md.EnsureFolder(".A").ok());
    REQUIRE(md.EnsureFolder(".B").ok());
    int dir_syncs = fs.count(FaultOp::kSyncDir);
    int file_syncs = fs.count(FaultOp::kSync);
    for (uint32_t uid = 1; uid <= 50; ++uid) {
      Result<MessageWriter> w = md.NewMessage(uid % 2 ? ".A" : ".B");
      REQUIRE(w.ok());
      REQUIRE(w->Write("body").ok());
      REQUIRE(w->Commit(uid, 0).ok());
    }
    int during = fs.count(FaultOp::kSyncDir) - dir_syncs;
    size_t visible = fs.ListDir(kRoot + "/.A/cur")->size();
    REQUIRE(md.SyncBatch().ok());
    int after = fs.count(FaultOp::kSyncDir) - dir_syncs;
    int files = fs.count(FaultOp::kSync) - file_syncs;
    CHECK(fs.ListDir(kRoot + "/.A/cur")->size() == 25);
    switch (d) {
      case Durability::kFull:
        CHECK(during == 50);
        CHECK(after == 50);
        CHECK(files == 50);
        CHECK(fs.count(FaultOp::kSyncFs) == 0);
        CHECK(visible == 25);
        break;
      case Durability::kBatch:
        // One syncfs and one fsync per changed directory, per batch.
        CHECK(during == 0);
        CHECK(after == 2);
        CHECK(files == 0);
        CHECK(fs.count(FaultOp::kSyncFs) == 1);
        CHECK(visible == 0);
        break;
      case Durability::kNone:
        CHECK(after == 0);
        CHECK(files == 0);
        CHECK(fs.count(FaultOp::kSyncFs) == 0);
        CHECK(visible == 25);
        break;
    }
    // Nothing is stat'ed on the delivery path.
    CHECK(fs.count(FaultOp::kStat) == 0);
  }
}

}  // namespace
}  // namespace mailhoard::maildir
