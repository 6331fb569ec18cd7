// The whole Archive order under a crash at every step (isync's and LevelDB's
// idea, tests/storage/maildir/crash_test.cc carried up one layer): a run
// opens the archive, stores a few messages in two folders (tmp/, fsync,
// rename into cur/, directory fsync, index row in a batch, commit) and
// finishes each folder. For every step k of that run the machine stops at k
// — before its effect, or right after it — with or without losing what was
// not fsynced; then the archive is reopened on the same directory and must
// hold:
//   - no index row whose file is missing or wrong;
//   - every row the index had committed before the crash;
//   - a row for every message file in cur/ (a file that landed without its
//     row is adopted, not lost or downloaded twice);
//   - no folder sync state ahead of the messages it covers;
// and a re-run storing the same messages ends with exactly one copy of each,
// durable across a power cut that follows it.
//
// The Maildir lives in the fault-injecting in-memory file system; the index
// is real SQLite in a temp directory (a committed transaction survives a
// crash of the process, which is all the Archive relies on). The steps are
// counted, not listed: k runs until a run completes without reaching it, so
// the test follows the order when steps are added.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "engine/sync/archive.h"
#include "tests/storage/maildir/fault_file_system.h"

#include "tests/support/temp_dir.h"

#include "tests/core/fake_clock.h"

namespace mailhoard::sync {
namespace {

using maildir::testing::FaultFileSystem;

constexpr uint32_t kUidValidity = 42;

const RemoteFolderInfo kInbox{"INBOX", "INBOX", '/', "", ""};
const RemoteFolderInfo kSent{"Sent", "Sent", '/', "\\Sent", ""};

// What the run stores: three messages in INBOX, two in Sent.
const std::vector<std::pair<const RemoteFolderInfo*, std::vector<uint32_t>>>& Plan() {
  static const std::vector<std::pair<const RemoteFolderInfo*, std::vector<uint32_t>>> plan = {
      {&kInbox, {1, 2, 3}}, {&kSent, {1, 2}}};
  return plan;
}

size_t PlannedCount() {
  size_t n = 0;
  for (const auto& [folder, uids] : Plan()) n += uids.size();
  return n;
}

std::string Message(const std::string& folder, uint32_t uid) {
  std::string m = "From: a@example.org\r\nSubject: " + folder + " " + std::to_string(uid) +
                  "\r\nMessage-ID: <" + std::to_string(uid) + "." + folder +
                  "@x>\r\nDate: Tue, 1 Aug 2023 10:00:00 +0000\r\n\r\n";
  while (m.size() < 3000) m += "line of " + folder + " " + std::to_string(uid) + "\r\n";
  return m;
}

struct TempDir : mailhoard::testing::ScratchDir {
  TempDir() : ScratchDir("crash-order") {
    // SQLite opens the index in the real directory; the Maildir around it
    // is in the fake, which makes its own copy of the path.
    std::filesystem::create_directories(path + "/acct");
  }
};

ArchiveOptions Options(const TempDir& dir, FaultFileSystem* fs, maildir::Durability d) {
  ArchiveOptions o;
  o.account_dir = dir.path + "/acct";
  o.durability = d;
  o.batch_messages = 2;  // batches commit mid-folder and across folders
  o.clock = &mailhoard::testing::ArchiveTestClock();
  o.fs = fs;
  return o;
}

// One sync run: every planned message the index does not have yet is
// stored, each folder finished, the archive flushed. False where it stopped.
bool Run(const TempDir& dir, FaultFileSystem& fs, maildir::Durability d) {
  auto archive = Archive::Open(Options(dir, &fs, d));
  if (!archive.ok()) return false;
  for (const auto& [remote, uids] : Plan()) {
    auto folder = (*archive)->OpenFolder(*remote, kUidValidity);
    if (!folder.ok()) return false;
    auto local = (*archive)->LocalMessages(*folder, kUidValidity);
    if (!local.ok()) return false;
    std::set<uint32_t> have;
    for (const auto& m : *local) have.insert(m.uid);
    for (uint32_t uid : uids) {
      if (have.count(uid)) continue;
      auto msg = (*archive)->NewMessage(*folder);
      if (!msg.ok()) return false;
      const std::string bytes = Message(remote->remote_name, uid);
      // In two pieces, as from the network.
      if (!(*msg)->Write(bytes.data(), bytes.size() / 2).ok()) return false;
      if (!(*msg)->Write(bytes.data() + bytes.size() / 2, bytes.size() - bytes.size() / 2).ok()) {
        return false;
      }
      IncomingMeta meta;
      meta.uidvalidity = kUidValidity;
      meta.uid = uid;
      meta.internal_date = 1690000000 + uid;
      if (!(*msg)->Commit(meta).ok()) return false;
    }
    index::FolderSyncState state;
    state.uidvalidity = kUidValidity;
    state.uidnext = uids.back() + 1;
    state.messages = static_cast<uint32_t>(uids.size());
    state.last_uid_seen = uids.back();
    if (!(*archive)->FinishFolder(*folder, state).ok()) return false;
  }
  return (*archive)->Flush().ok();
}

struct Row {
  std::string folder;  // remote name
  uint32_t uid = 0;
  std::string local_path;
  std::string file_name;  // "cur/..."
  bool operator<(const Row& o) const {
    return std::tie(folder, uid, file_name) < std::tie(o.folder, o.uid, o.file_name);
  }
};

struct IndexView {
  std::vector<Row> rows;
  std::map<std::string, uint32_t> uidnext;        // remote name → committed uidnext
  std::map<std::string, std::string> local_path;  // remote name → local path
};

// What the index has committed, read as another process would.
IndexView ReadIndex(const TempDir& dir) {
  IndexView view;
  index::IndexOptions o;
  o.read_only = true;
  o.create_if_missing = false;
  auto idx = index::Index::Open(dir.path + "/acct/.mailhoard.sqlite", o);
  if (!idx.ok()) return view;  // the crash came before the index existed
  auto folders = (*idx)->ListFolders();
  REQUIRE(folders.ok());
  for (const auto& f : *folders) {
    view.uidnext[f.remote_name] = f.uidnext;
    view.local_path[f.remote_name] = f.local_path;
    auto uids = (*idx)->ListUids(f.id, kUidValidity);
    REQUIRE(uids.ok());
    for (const auto& u : *uids) {
      auto m = (*idx)->FindMessage(f.id, kUidValidity, u.uid);
      REQUIRE(m.ok());
      REQUIRE(m->has_value());
      view.rows.push_back({f.remote_name, u.uid, f.local_path, (*m)->file_name});
    }
  }
  return view;
}

std::string FolderDir(const TempDir& dir, const std::string& local_path) {
  return dir.path + "/acct" + (local_path.empty() ? "" : "/" + local_path);
}

std::vector<std::string> List(FaultFileSystem& fs, const std::string& path) {
  auto names = fs.ListDir(path);
  return names.ok() ? *names : std::vector<std::string>{};
}

// The invariants a reopened archive must hold; `committed` is what the
// index had committed when the machine stopped.
void CheckReopened(const TempDir& dir, FaultFileSystem& fs, maildir::Durability d,
                   const IndexView& committed) {
  {
    // Reopening adopts what a crashed run left in cur/.
    auto archive = Archive::Open(Options(dir, &fs, d));
    REQUIRE(archive.ok());
    for (const auto& [remote, uids] : Plan()) {
      auto folder = (*archive)->OpenFolder(*remote, kUidValidity);
      REQUIRE(folder.ok());
    }
  }
  IndexView now = ReadIndex(dir);
  std::map<std::string, std::set<std::string>> row_files;  // local path → "cur/name"
  std::map<std::string, std::set<uint32_t>> row_uids;      // remote name → uids
  for (const Row& r : now.rows) {
    INFO(r.folder << " uid " << r.uid << ": " << r.file_name);
    // No row without its file, and the file is the message, whole.
    auto bytes = maildir::ReadSmallFile(fs, FolderDir(dir, r.local_path) + "/" + r.file_name);
    REQUIRE(bytes.ok());
    CHECK(*bytes == Message(r.folder, r.uid));
    CHECK(row_files[r.local_path].insert(r.file_name).second);
    CHECK(row_uids[r.folder].insert(r.uid).second);  // one row per message
  }
  // Nothing committed is lost.
  for (const Row& r : committed.rows) {
    INFO("committed: " << r.folder << " uid " << r.uid);
    CHECK(row_uids[r.folder].count(r.uid) == 1);
  }
  // Every message file in cur/ or new/ has its row; tmp/ holds no debris.
  for (const auto& [remote, uids] : Plan()) {
    REQUIRE(now.local_path.count(remote->remote_name) == 1);
    const std::string& local = now.local_path[remote->remote_name];
    for (const char* sub : {"cur", "new"}) {
      for (const std::string& name : List(fs, FolderDir(dir, local) + "/" + sub)) {
        INFO("on disk: " << FolderDir(dir, local) << "/" << sub << "/" << name);
        CHECK(row_files[local].count(std::string(sub) + "/" + name) == 1);
      }
    }
    CHECK(List(fs, FolderDir(dir, local) + "/tmp").empty());
  }
  // A folder's sync state never runs ahead of the messages it covers.
  for (const IndexView* view : {&committed, static_cast<const IndexView*>(&now)}) {
    for (const auto& [remote, uids] : Plan()) {
      auto it = view->uidnext.find(remote->remote_name);
      if (it == view->uidnext.end()) continue;
      for (uint32_t uid : uids) {
        if (uid >= it->second) continue;
        INFO(remote->remote_name << " uidnext " << it->second << " covers uid " << uid);
        CHECK(row_uids[remote->remote_name].count(uid) == 1);
      }
    }
  }
}

// After a completed run: every planned message exactly once, in the index
// and in cur/.
void CheckComplete(const TempDir& dir, FaultFileSystem& fs) {
  IndexView view = ReadIndex(dir);
  CHECK(view.rows.size() == PlannedCount());
  std::set<std::pair<std::string, uint32_t>> seen;
  for (const Row& r : view.rows) {
    CHECK(seen.insert({r.folder, r.uid}).second);
    CHECK(maildir::ReadSmallFile(fs, FolderDir(dir, r.local_path) + "/" + r.file_name).ok());
  }
  for (const auto& [remote, uids] : Plan()) {
    INFO(remote->remote_name);
    REQUIRE(view.local_path.count(remote->remote_name) == 1);
    const std::string& local = view.local_path[remote->remote_name];
    CHECK(List(fs, FolderDir(dir, local) + "/cur").size() == uids.size());
    CHECK(List(fs, FolderDir(dir, local) + "/new").empty());
    CHECK(view.uidnext[remote->remote_name] == uids.back() + 1);
  }
}

enum class Stop { kBeforeStep, kAfterStep };
enum class Loss { kProcessOnly, kPowerCut };

// Crashes a run at every step in turn; returns how many steps there were.
int EnumerateCrashes(maildir::Durability d, Stop stop, Loss loss) {
  for (int k = 1;; ++k) {
    INFO("crash " << (stop == Stop::kBeforeStep ? "before" : "after") << " step " << k
                  << (loss == Loss::kPowerCut ? ", power cut" : ", process only"));
    TempDir dir;
    FaultFileSystem fs;
    if (stop == Stop::kBeforeStep) {
      fs.CrashAfter(k - 1);
    } else {
      fs.CrashAfterEffectOf(k);
    }
    const bool completed = Run(dir, fs, d);
    if (!fs.crashed()) {
      // The run is shorter than k steps: every step has been crashed at.
      REQUIRE(completed);
      CheckComplete(dir, fs);
      REQUIRE(k > 1);
      return k - 1;
    }
    REQUIRE_FALSE(completed);
    const IndexView committed = ReadIndex(dir);
    if (loss == Loss::kPowerCut) {
      fs.LoseUnsyncedData();
    } else {
      fs.ClearFaults();
    }
    {
      INFO("reopened after the crash");
      CheckReopened(dir, fs, d, committed);
    }
    {
      INFO("the same messages stored again: one copy each");
      REQUIRE(Run(dir, fs, d));
      CheckComplete(dir, fs);
    }
    {
      INFO("a power cut after that run: what it committed is durable, adopted or not");
      const IndexView before_cut = ReadIndex(dir);
      fs.LoseUnsyncedData();
      CheckReopened(dir, fs, d, before_cut);
      CheckComplete(dir, fs);
    }
  }
}

void EnumerateAll(maildir::Durability d) {
  for (Stop stop : {Stop::kBeforeStep, Stop::kAfterStep}) {
    for (Loss loss : {Loss::kProcessOnly, Loss::kPowerCut}) {
      const int steps = EnumerateCrashes(d, stop, loss);
      // A run that opens two folders and stores five messages has dozens.
      CHECK(steps > 20);
    }
  }
}

TEST_CASE("Archive survives a crash at every step of storing and finishing (durability batch)") {
  EnumerateAll(maildir::Durability::kBatch);
}

TEST_CASE("Archive survives a crash at every step of storing and finishing (durability full)") {
  EnumerateAll(maildir::Durability::kFull);
}

}  // namespace
}  // namespace mailhoard::sync
