// The runner over a scripted source: what it opens, how often it signs in,
// what it retries and what it gives up on. The source's sessions fail on
// request; the Archive is real (folders are opened and finished in it).
#include "engine/sync/runner.h"

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <mutex>

#include "tests/core/fake_clock.h"

#include "tests/support/temp_dir.h"

namespace mailhoard::sync {
namespace {

namespace fs = std::filesystem;

struct TempDir : mailhoard::testing::ScratchDir {
  TempDir() : ScratchDir("runner") {}
};

// What the scripted source does, and what it saw.
struct Script {
  std::vector<SourceFolder> listing;
  // Per folder: the statuses its next SyncFolder calls return (then OK).
  std::map<std::string, std::vector<Status>> folder_failures;
  // The statuses the next Open calls return (then a session).
  std::vector<Status> open_failures;
  int max_sessions = 4;

  std::mutex mu;
  std::vector<std::string> synced;  // folder names, in the order synced
  int opens = 0;
  int fresh_token_opens = 0;
  int live = 0, most_live = 0;  // sessions at once
};

class ScriptedSession : public SourceSession {
 public:
  explicit ScriptedSession(Script& s) : s_(s) {}
  ~ScriptedSession() override {
    std::lock_guard<std::mutex> lock(s_.mu);
    --s_.live;
  }
  Status SyncFolder(Archive& archive, const FolderTask& task, FolderResult* result) override {
    {
      std::lock_guard<std::mutex> lock(s_.mu);
      auto& failures = s_.folder_failures[task.folder.remote_name];
      if (!failures.empty()) {
        Status s = failures.front();
        failures.erase(failures.begin());
        if (s.transient()) broken_ = true;
        return s;
      }
      s_.synced.push_back(task.folder.remote_name);
    }
    MH_ASSIGN_OR_RETURN(ArchiveFolder * folder, archive.OpenFolder(task.folder, 7));
    index::FolderSyncState state;
    state.uidvalidity = 7;
    state.uidnext = 1;
    MH_RETURN_IF_ERROR(archive.FinishFolder(folder, state));
    ++result->fetched;
    return Status::Ok();
  }
  bool broken() const override { return broken_; }
  void Close() override {}

 private:
  Script& s_;
  bool broken_ = false;
};

class ScriptedSource : public SourceStore {
 public:
  explicit ScriptedSource(Script& s) : s_(s) {}
  Result<std::unique_ptr<SourceSession>> Open(Pacer&, bool fresh_token,
                                              std::vector<SourceFolder>* listing) override {
    std::lock_guard<std::mutex> lock(s_.mu);
    ++s_.opens;
    if (fresh_token) ++s_.fresh_token_opens;
    if (!s_.open_failures.empty()) {
      Status s = s_.open_failures.front();
      s_.open_failures.erase(s_.open_failures.begin());
      return s;
    }
    if (listing) *listing = s_.listing;
    s_.most_live = std::max(s_.most_live, ++s_.live);
    return std::unique_ptr<SourceSession>(new ScriptedSession(s_));
  }
  int max_sessions() const override { return s_.max_sessions; }

 private:
  Script& s_;
};

SourceFolder Folder(const std::string& name, std::optional<RemoteFolderState> state = {}) {
  SourceFolder f;
  f.info.remote_name = name;
  f.info.display_name = name;
  f.info.delimiter = '/';
  f.state = state;
  return f;
}

struct Fixture {
  TempDir dir;
  std::unique_ptr<Archive> archive;
  testing::FakeClock clock;
  RunOptions options;
  Script script;

  Fixture() {
    ArchiveOptions a;
    a.account_dir = dir.path + "/acct";
    a.durability = maildir::Durability::kBatch;
    a.clock = &mailhoard::testing::ArchiveTestClock();
    archive = std::move(Archive::Open(a)).value();
    options.clock = &clock;
    options.retry.backoff = std::chrono::milliseconds(10);
  }
  SyncResult Run() {
    ScriptedSource source(script);
    return RunSync(*archive, source, options);
  }
};

Status Dropped() { return NetworkError("connection reset"); }
Status Expired() { return Status::Error(ErrorCode::kAuth, "AccessTokenExpired"); }

TEST_CASE("every selectable folder that matches is synced, largest first", "[unit]") {
  Fixture fx;
  fx.script.listing = {Folder("small", RemoteFolderState{1, 3, 2, {}}),
                       Folder("big", RemoteFolderState{1, 501, 500, {}}), Folder("unknown"),
                       Folder("Trash", RemoteFolderState{1, 11, 10, {}})};
  fx.script.listing.push_back(Folder("parent"));
  fx.script.listing.back().selectable = false;
  fx.options.filter = FolderFilter({"*"}, {"Trash"});
  fx.options.connections = 1;
  SyncResult r = fx.Run();
  REQUIRE(r.ok());
  CHECK(r.folders_listed == 3);
  CHECK(fx.script.synced == std::vector<std::string>{"big", "small", "unknown"});
  CHECK(r.folders[0].action == FolderAction::kFull);
  CHECK(fx.script.opens == 1);  // the listing session did all the work
}

TEST_CASE("a folder whose state did not move is not opened on the next run", "[unit]") {
  Fixture fx;
  // The scripted session finishes folders at uidvalidity 7, uidnext 1,
  // no messages: the same state listed again means nothing to do.
  fx.script.listing = {Folder("same", RemoteFolderState{7, 1, 0, {}}),
                       Folder("grown", RemoteFolderState{7, 1, 0, {}})};
  REQUIRE(fx.Run().ok());
  fx.script.synced.clear();
  fx.script.listing[1].state = RemoteFolderState{7, 5, 4, {}};
  SyncResult r = fx.Run();
  REQUIRE(r.ok());
  CHECK(r.folders_skipped == 1);
  CHECK(fx.script.synced == std::vector<std::string>{"grown"});
  CHECK(r.folders[0].action == FolderAction::kIncremental);
}

TEST_CASE("a dropped connection is retried on a new session and counts as an attempt", "[unit]") {
  Fixture fx;
  fx.script.listing = {Folder("INBOX")};
  fx.script.folder_failures["INBOX"] = {Dropped(), Dropped()};
  SyncResult r = fx.Run();
  REQUIRE(r.ok());
  CHECK(r.folders[0].attempts == 3);
  CHECK(fx.script.opens == 3);
  CHECK(fx.clock.Sleeps() == 2);  // a backoff before each retry
}

TEST_CASE("a folder that keeps failing gives up after the policy's attempts, alone", "[unit]") {
  Fixture fx;
  fx.script.listing = {Folder("bad"), Folder("good")};
  fx.script.folder_failures["bad"] = std::vector<Status>(10, Dropped());
  fx.options.retry.attempts = 3;
  fx.options.connections = 1;
  SyncResult r = fx.Run();
  CHECK_FALSE(r.ok());
  CHECK(r.status.ok());  // the account is fine
  CHECK(r.failed_folders() == 1);
  CHECK(fx.script.synced == std::vector<std::string>{"good"});
  for (const FolderResult& f : r.folders) {
    if (f.name == "bad") CHECK(f.attempts == 3);
  }
}

TEST_CASE("a session ended for an expired token is reopened with a fresh one", "[unit]") {
  Fixture fx;
  fx.script.listing = {Folder("INBOX")};
  fx.script.folder_failures["INBOX"] = {Expired()};
  SyncResult r = fx.Run();
  REQUIRE(r.ok());
  CHECK(fx.script.fresh_token_opens == 1);
}

TEST_CASE("a refused sign-in is the account's failure and is never retried", "[unit]") {
  Fixture fx;
  fx.script.open_failures = {
      Status::Error(ErrorCode::kAuth, "bad password").WithRetry(RetryClass::kAuth)};
  SyncResult r = fx.Run();
  CHECK(r.status.code() == ErrorCode::kAuth);
  CHECK(r.sign_in_attempts == 1);
  CHECK(r.folders.empty());
}

TEST_CASE("a sign-in that fails for a moment is retried", "[unit]") {
  Fixture fx;
  fx.script.listing = {Folder("INBOX")};
  fx.script.open_failures = {Dropped()};
  SyncResult r = fx.Run();
  REQUIRE(r.ok());
  CHECK(r.sign_in_attempts == 2);
}

TEST_CASE("a source that allows one session gets one, however much work there is", "[unit]") {
  Fixture fx;
  for (int i = 0; i < 40; ++i) {
    fx.script.listing.push_back(
        Folder("f" + std::to_string(i), RemoteFolderState{1, 1001, 1000, {}}));
  }
  fx.script.max_sessions = 1;
  fx.options.connections = 8;
  REQUIRE(fx.Run().ok());
  CHECK(fx.script.most_live == 1);
  CHECK(fx.script.synced.size() == 40);
}

TEST_CASE("a dry run marks no folder gone", "[unit]") {
  Fixture fx;
  fx.script.listing = {Folder("kept"), Folder("going")};
  REQUIRE(fx.Run().ok());
  fx.script.listing = {Folder("kept")};
  fx.options.dry_run = true;
  SyncResult dry = fx.Run();
  REQUIRE(dry.ok());
  CHECK(dry.folders_gone == std::vector<std::string>{"going"});  // would be marked
  auto going = fx.archive->FindFolder("going");
  REQUIRE(going.ok());
  REQUIRE(going->has_value());
  CHECK_FALSE((*going)->gone_since.has_value());

  fx.options.dry_run = false;
  SyncResult real = fx.Run();
  CHECK(real.folders_gone == std::vector<std::string>{"going"});
  going = fx.archive->FindFolder("going");
  REQUIRE(going.ok());
  CHECK((*going)->gone_since.has_value());
  // Reported once: the next run knows it is gone already.
  CHECK(fx.Run().folders_gone.empty());
}

TEST_CASE("a signal stops the run before the next folder", "[unit]") {
  Fixture fx;
  std::atomic<bool> cancel{true};
  fx.options.cancel = &cancel;
  fx.script.listing = {Folder("INBOX")};
  SyncResult r = fx.Run();
  REQUIRE(r.folders.size() == 1);
  CHECK(r.folders[0].status.code() == ErrorCode::kCancelled);
  CHECK(fx.script.synced.empty());
}

}  // namespace
}  // namespace mailhoard::sync
