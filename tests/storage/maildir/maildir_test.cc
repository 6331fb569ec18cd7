#include "storage/maildir/maildir.h"
#include "tests/support/sanitizers.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "storage/maildir/folder_path.h"
#include "tests/storage/maildir/test_util.h"

namespace mailhoard::maildir {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

FileSystem& Posix() { return *DefaultFileSystem(); }

std::string Deliver(Maildir& md, const std::string& folder, uint32_t uid, const std::string& body,
                    MaildirFlags flags = 0) {
  Result<MessageWriter> w = md.NewMessage(folder);
  REQUIRE(w.ok());
  REQUIRE(w->Write(body).ok());
  Result<DeliveredMessage> d = w->Commit(uid, flags);
  REQUIRE(d.ok());
  return d->file_name;
}

bool IsDir(const std::string& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

TEST_CASE("folders and messages are owner-only whatever the umask allows", "[maildir]") {
  const mode_t old_mask = umask(022);
  TempDir dir;
  const std::string root = dir.path() + "/acct";
  Maildir md(&Posix(), root);
  FolderPathMapper nested(Layout::kNested);
  REQUIRE(md.EnsureFolder(*nested.CanonicalPath("Work/2024", '/')).ok());
  const std::string name = Deliver(md, "Work/2024", 7, "Subject: private\r\n\r\nmail\r\n");
  umask(old_mask);
  auto mode = [](const std::string& p) {
    struct stat st {};
    REQUIRE(stat(p.c_str(), &st) == 0);
    return static_cast<unsigned>(st.st_mode & 0777);
  };
  CHECK(mode(root + "/Work/2024/cur/" + name) == 0600);
  for (const char* d :
       {"", "/Work", "/Work/2024", "/Work/2024/cur", "/Work/2024/new", "/Work/2024/tmp"}) {
    INFO(d);
    CHECK(mode(root + d) == 0700);
  }
}

TEST_CASE("EnsureFolder builds both layouts and is idempotent", "[maildir]") {
  TempDir dir;
  std::string root = dir.path() + "/deep/acct";
  Maildir md(&Posix(), root);
  FolderPathMapper pp(Layout::kMaildirPlusPlus), nested(Layout::kNested);

  REQUIRE(md.EnsureFolder(*pp.CanonicalPath("INBOX", '/')).ok());
  REQUIRE(md.EnsureFolder(*pp.CanonicalPath("Archive/2024", '/')).ok());
  for (const char* sub : {"cur", "new", "tmp"}) {
    CHECK(IsDir(root + "/" + sub));
    CHECK(IsDir(root + "/.Archive.2024/" + sub));
  }
  TempDir dir2;
  Maildir md2(&Posix(), dir2.path());
  REQUIRE(md2.EnsureFolder(*nested.CanonicalPath("Projects", '/')).ok());
  REQUIRE(md2.EnsureFolder(*nested.CanonicalPath("Projects/cur", '/')).ok());
  REQUIRE(md2.EnsureFolder(*nested.CanonicalPath("Projects/cur", '/')).ok());
  CHECK(IsDir(dir2.path() + "/Projects/cur"));
  CHECK(IsDir(dir2.path() + "/Projects/%63ur/cur"));
  // The folder "Projects" and its child "cur" keep their messages apart.
  std::string a = Deliver(md2, "Projects", 1, "parent");
  std::string b = Deliver(md2, "Projects/%63ur", 1, "child");
  CHECK(*ReadSmallFile(Posix(), dir2.path() + "/Projects/cur/" + a) == "parent");
  CHECK(*ReadSmallFile(Posix(), dir2.path() + "/Projects/%63ur/cur/" + b) == "child");
  CHECK(Posix().ListDir(dir2.path() + "/Projects/cur")->size() == 1);

  CHECK(md.EnsureFolder("../escape").code() == ErrorCode::kInvalidArgument);
  CHECK(md.EnsureFolder("a/../../b").code() == ErrorCode::kInvalidArgument);
  CHECK(md.EnsureFolder("/abs").code() == ErrorCode::kInvalidArgument);
  // A file where a directory should be.
  std::ofstream(root + "/.Blocked") << "x";
  Status s = md.EnsureFolder(".Blocked");
  CHECK(s.code() == ErrorCode::kIo);
}

TEST_CASE("flags change by rename and keep foreign letters", "[maildir]") {
  TempDir dir;
  Maildir md(&Posix(), dir.path());
  REQUIRE(md.EnsureFolder("").ok());
  std::string name = Deliver(md, "", 5, "hello", kFlagSeen);
  Result<std::string> renamed = md.SetFlags("", name, kFlagSeen | kFlagReplied | kFlagFlagged);
  REQUIRE(renamed.ok());
  CHECK(renamed->substr(renamed->size() - 6) == ":2,FRS");
  CHECK(*ReadSmallFile(Posix(), dir.path() + "/cur/" + *renamed) == "hello");
  CHECK(!Posix().Stat(dir.path() + "/cur/" + name).ok());
  // Unchanged flags: no rename.
  CHECK(*md.SetFlags("", *renamed, kFlagSeen | kFlagReplied | kFlagFlagged) == *renamed);
  // Another program's keyword letters survive.
  std::string foreign = "1.M1P1.h,U=6,S=3:2,Sa";
  std::ofstream(dir.path() + "/cur/" + foreign) << "abc";
  CHECK(*md.SetFlags("", foreign, kFlagTrashed) == "1.M1P1.h,U=6,S=3:2,Ta");
  // A file in new/ (no info yet) moves into cur/ with its flags.
  std::ofstream(dir.path() + "/new/2.M1P1.h,U=7") << "new";
  CHECK(*md.SetFlags("", "2.M1P1.h,U=7", kFlagSeen) == "2.M1P1.h,U=7:2,S");
  CHECK(Posix().Stat(dir.path() + "/cur/2.M1P1.h,U=7:2,S").ok());
  CHECK(md.SetFlags("", "missing,U=1:2,", kFlagSeen).status().code() == ErrorCode::kNotFound);
}

TEST_CASE("remove is idempotent and link shares the file", "[maildir]") {
  TempDir dir;
  Maildir md(&Posix(), dir.path(), {.durability = Durability::kBatch});
  REQUIRE(md.EnsureFolder(".All Mail").ok());
  REQUIRE(md.EnsureFolder(".Work").ok());
  std::string name = Deliver(md, ".All Mail", 100, "shared body");
  Result<std::string> linked = md.LinkMessage(".All Mail", name, ".Work", 7, kFlagFlagged);
  REQUIRE(linked.ok());
  Result<ParsedName> p = ParseMessageName(*linked);
  REQUIRE(p.ok());
  CHECK(p->uid == 7u);
  CHECK(p->size == 11u);
  CHECK(p->flags == kFlagFlagged);
  std::string a = dir.path() + "/.All Mail/cur/" + name;
  std::string b = dir.path() + "/.Work/cur/" + *linked;
  std::error_code ec;
  CHECK(fs::equivalent(a, b, ec));
  CHECK(fs::hard_link_count(a, ec) == 2);
  REQUIRE(md.SyncBatch().ok());

  REQUIRE(md.RemoveMessage(".All Mail", name).ok());
  CHECK(!Posix().Stat(a).ok());
  CHECK(*ReadSmallFile(Posix(), b) == "shared body");
  CHECK(md.RemoveMessage(".All Mail", name).ok());
  CHECK(md.LinkMessage(".All Mail", name, ".Work", 8, 0).status().code() == ErrorCode::kNotFound);
}

TEST_CASE("reconcile lists adoptable files and cleans tmp/", "[maildir]") {
  TempDir dir;
  Maildir md(&Posix(), dir.path(), {.durability = Durability::kNone});
  REQUIRE(md.EnsureFolder("").ok());
  std::string a = Deliver(md, "", 3, "three", kFlagSeen);
  std::string b = Deliver(md, "", 1, "one");
  std::ofstream(dir.path() + "/new/99.M1P1.host,U=2") << "two!";  // no S=: stat'ed
  std::ofstream(dir.path() + "/cur/foreign:2,S") << "x";
  std::ofstream(dir.path() + "/cur/.hidden") << "x";
  std::ofstream(dir.path() + "/tmp/old") << "x";
  std::ofstream(dir.path() + "/tmp/fresh") << "x";
  REQUIRE(Posix().SetMtime(dir.path() + "/tmp/old", 1'000'000).ok());
  REQUIRE(Posix().SetMtime(dir.path() + "/tmp/fresh", 2'000'000).ok());

  // With an age limit only old debris goes (another deliverer may own the rest).
  ReconcileOptions aged;
  aged.tmp_max_age_seconds = 36 * 3600;
  aged.now = 2'000'000 + 60;
  Result<ReconcileReport> r = md.Reconcile("", aged);
  REQUIRE(r.ok());
  CHECK(r->tmp_removed == 1);
  CHECK(*Posix().ListDir(dir.path() + "/tmp") == std::vector<std::string>{"fresh"});
  REQUIRE(r->messages.size() == 3);
  CHECK(r->messages[0].uid == 1u);
  CHECK(r->messages[0].file_name == b);
  CHECK(r->messages[0].size == 3u);
  CHECK(r->messages[1].uid == 2u);
  CHECK(r->messages[1].subdir == "new");
  CHECK(r->messages[1].size == 4u);
  CHECK(r->messages[2].uid == 3u);
  CHECK(r->messages[2].file_name == a);
  CHECK(r->messages[2].flags == kFlagSeen);
  CHECK(r->other_files == std::vector<FoundFile>{{"cur", "foreign:2,S"}});
  CHECK(MissingFiles(*r, {a, b, "lost,U=4,S=1:2,"}) == std::vector<std::string>{"lost,U=4,S=1:2,"});

  // Default: everything in tmp/ is debris of a dead run.
  r = md.Reconcile("");
  REQUIRE(r.ok());
  CHECK(r->tmp_removed == 1);
  CHECK(Posix().ListDir(dir.path() + "/tmp")->empty());
  CHECK(md.Reconcile(".Nope").status().code() == ErrorCode::kNotFound);
}

TEST_CASE("scan lists like reconcile and changes nothing", "[maildir]") {
  TempDir dir;
  Maildir md(&Posix(), dir.path(), {.durability = Durability::kNone});
  REQUIRE(md.EnsureFolder("").ok());
  const std::string a = "1.M1P1.h,U=3,S=3:2,S";
  std::ofstream(dir.path() + "/cur/" + a) << "abc";
  std::ofstream(dir.path() + "/new/foreign") << "x";
  std::ofstream(dir.path() + "/tmp/debris") << "x";
  Result<ReconcileReport> r = md.Scan("");
  REQUIRE(r.ok());
  REQUIRE(r->messages.size() == 1);
  CHECK(r->messages[0].file_name == a);
  CHECK(r->messages[0].subdir == "cur");
  CHECK(r->other_files == std::vector<FoundFile>{{"new", "foreign"}});
  CHECK(r->tmp_removed == 0);
  CHECK(*Posix().ListDir(dir.path() + "/tmp") == std::vector<std::string>{"debris"});
  // A folder that is not there holds nothing (Reconcile says kNotFound).
  r = md.Scan(".Nope");
  REQUIRE(r.ok());
  CHECK(r->messages.empty());
  CHECK(r->other_files.empty());
}

TEST_CASE("a read-only archive directory gives a clear error", "[maildir]") {
  if (geteuid() == 0) {
    WARN("running as root: permissions are not enforced; the fault tests cover EACCES/EROFS");
    return;
  }
  TempDir dir;
  Maildir md(&Posix(), dir.path());
  REQUIRE(md.EnsureFolder("").ok());
  REQUIRE(::chmod((dir.path() + "/tmp").c_str(), 0500) == 0);
  Result<MessageWriter> w = md.NewMessage("");
  REQUIRE(!w.ok());
  CHECK(w.status().code() == ErrorCode::kIo);
  CHECK(w.status().message().find("permission denied") != std::string::npos);
  CHECK(w.status().message().find(dir.path() + "/tmp/") != std::string::npos);
  ::chmod((dir.path() + "/tmp").c_str(), 0700);
}

long ResidentKiB() {
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

void DeliverMany(Durability durability, int count) {
  TempDir dir;
  Maildir md(&Posix(), dir.path(), {.durability = durability});
  REQUIRE(md.EnsureFolder(".Bulk").ok());
  std::string body(3000, 'x');
  body += "\r\n";
  long rss_before = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 1; i <= count; ++i) {
    Result<MessageWriter> w = md.NewMessage(".Bulk");
    REQUIRE(w.ok());
    REQUIRE(w->Write(body).ok());
    REQUIRE(w->Commit(static_cast<uint32_t>(i), kFlagSeen, 1'600'000'000).ok());
    if (i % 1000 == 0) REQUIRE(md.SyncBatch().ok());
    if (i == 1000) rss_before = ResidentKiB();
  }
  REQUIRE(md.SyncBatch().ok());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  long growth = ResidentKiB() - rss_before;
  WARN(count << " deliveries (" << (durability == Durability::kNone ? "none" : "batch")
             << "): " << secs << " s, RSS growth after warm-up " << growth << " KiB");
  // Memory stays flat: no per-message state accumulates.
  if (!mailhoard::testing::kAddressSanitizer) CHECK(growth < 4096);
  Result<ReconcileReport> r = md.Reconcile(".Bulk");
  REQUIRE(r.ok());
  CHECK(r->messages.size() == static_cast<size_t>(count));
}

TEST_CASE("10000 deliveries without fsync are quick and flat in memory", "[maildir][perf]") {
  DeliverMany(Durability::kNone, 10'000);
}

TEST_CASE("10000 deliveries in batch mode", "[maildir][perf]") {
  DeliverMany(Durability::kBatch, 10'000);
}

}  // namespace
}  // namespace mailhoard::maildir
