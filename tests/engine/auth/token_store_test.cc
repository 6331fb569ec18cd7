// TokenStore: private, atomic, refuses what it must, survives a crash
// mid-save.
#include "engine/auth/token_store.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/engine/auth/test_util.h"

namespace mailhoard::auth {
namespace {

using namespace std::chrono_literals;
using test::ReadFile;
using test::TempDir;

StoredToken Sample(std::string suffix = "1") {
  StoredToken t;
  t.access_token = "at-" + suffix;
  t.expires_at = std::chrono::system_clock::time_point(1'900'000'000s);
  t.refresh_token = "rt-" + suffix;
  t.refresh_token_obtained_at = std::chrono::system_clock::time_point(1'800'000'000s);
  t.scopes = "offline_access IMAP";
  return t;
}

size_t FilesIn(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST_CASE("token store round-trips every field in a 0600 file") {
  TempDir dir;
  TokenStore store(dir.File("acct.json"));
  REQUIRE(store.Save(Sample()).ok());
  CHECK(test::Mode(store.path()) == 0600);
  auto t = store.Load();
  REQUIRE(t.ok());
  CHECK(t->access_token == "at-1");
  CHECK(t->refresh_token == "rt-1");
  CHECK(t->expires_at == Sample().expires_at);
  CHECK(t->refresh_token_obtained_at == Sample().refresh_token_obtained_at);
  CHECK(t->scopes == "offline_access IMAP");
  CHECK(t->grant == "refresh_token");
  CHECK(FilesIn(dir.path()) == 1);  // no temp file left behind
}

TEST_CASE("token store replaces the file and keeps 0600") {
  TempDir dir;
  TokenStore store(dir.File("acct.json"));
  REQUIRE(store.Save(Sample("1")).ok());
  REQUIRE(store.Save(Sample("2")).ok());
  CHECK(store.Load()->refresh_token == "rt-2");
  CHECK(test::Mode(store.path()) == 0600);
  CHECK(FilesIn(dir.path()) == 1);
}

TEST_CASE("the first save creates a private state directory") {
  TempDir dir;
  TokenStore store(dir.File("state/tokens/acct.json"));
  REQUIRE(store.Save(Sample()).ok());
  CHECK(test::Mode(dir.File("state/tokens")) == 0700);
  CHECK(store.Load().ok());
}

TEST_CASE("a token that is not valid UTF-8 is an error, not an exception") {
  TempDir dir;
  TokenStore store(dir.File("acct.json"));
  REQUIRE(store.Save(Sample()).ok());
  StoredToken bad = Sample("2");
  bad.scopes = "IMAP \xff\xfe";
  Status s = store.Save(bad);
  CHECK(s.code() == ErrorCode::kProtocol);
  CHECK(store.Load()->refresh_token == "rt-1");
}

TEST_CASE("a missing token file is kNotFound") {
  TempDir dir;
  auto t = TokenStore(dir.File("none.json")).Load();
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().code() == ErrorCode::kNotFound);
}

TEST_CASE("a group- or world-readable token file is refused with chmod 600 advice") {
  TempDir dir;
  TokenStore store(dir.File("acct.json"));
  REQUIRE(store.Save(Sample()).ok());
  for (mode_t mode : {0644, 0640, 0604, 0660}) {
    REQUIRE(chmod(store.path().c_str(), mode) == 0);
    auto t = store.Load();
    REQUIRE_FALSE(t.ok());
    CHECK(t.status().message().find(store.path()) != std::string::npos);
    CHECK(t.status().message().find("chmod 600") != std::string::npos);
    CHECK(t.status().message().find("rt-1") == std::string::npos);
  }
  REQUIRE(chmod(store.path().c_str(), 0600) == 0);
  CHECK(store.Load().ok());
}

TEST_CASE("a corrupt token file is kCorrupt and never echoed") {
  TempDir dir;
  std::string path = dir.File("acct.json");
  for (std::string bad :
       {std::string("{\"access_token\": \"at-secret\""), std::string("[]"), std::string(""),
        std::string("{\"access_token\": 5}"), std::string("{}")}) {
    INFO(bad);
    { std::ofstream(path, std::ios::trunc) << bad; }
    chmod(path.c_str(), 0600);
    auto t = TokenStore(path).Load();
    REQUIRE_FALSE(t.ok());
    CHECK(t.status().code() == ErrorCode::kCorrupt);
    CHECK(t.status().message().find("at-secret") == std::string::npos);
  }
}

TEST_CASE("a save that fails at any step leaves the old file intact") {
  for (SaveStep failing : {SaveStep::kWriteTemp, SaveStep::kFsyncTemp, SaveStep::kRename}) {
    TempDir dir;
    std::string path = dir.File("acct.json");
    REQUIRE(TokenStore(path).Save(Sample("old")).ok());
    std::string before = ReadFile(path);
    TokenStore store(
        path, [&](SaveStep s) { return s == failing ? IoError("injected crash") : Status::Ok(); });
    CHECK_FALSE(store.Save(Sample("new")).ok());
    CHECK(ReadFile(path) == before);
    auto t = TokenStore(path).Load();
    REQUIRE(t.ok());
    CHECK(t->refresh_token == "rt-old");
  }
}

TEST_CASE("a process killed between receiving and storing a token leaves the old file") {
  TempDir dir;
  std::string path = dir.File("acct.json");
  REQUIRE(TokenStore(path).Save(Sample("old")).ok());
  std::string before = ReadFile(path);
  for (SaveStep at : {SaveStep::kWriteTemp, SaveStep::kFsyncTemp, SaveStep::kRename}) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      TokenStore store(path, [at](SaveStep s) {
        if (s == at) _exit(42);  // dies as a kill would: no cleanup
        return Status::Ok();
      });
      (void)store.Save(Sample("new"));
      _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 42);
    CHECK(ReadFile(path) == before);
    auto t = TokenStore(path).Load();
    REQUIRE(t.ok());
    CHECK(t->refresh_token == "rt-old");
  }
  // A later save still works over the debris.
  REQUIRE(TokenStore(path).Save(Sample("next")).ok());
  CHECK(TokenStore(path).Load()->refresh_token == "rt-next");
}

TEST_CASE("a token in the archive is moved to the state directory, owner-only") {
  TempDir dir;
  const std::string legacy = dir.File("archive/work/.oauth-token.json");
  std::filesystem::create_directories(dir.File("archive/work"));
  REQUIRE(TokenStore(legacy).Save(Sample("old")).ok());
  TokenStore to(dir.File("state/mailhoard/work.token.json"));

  auto moved = MoveLegacyTokenFile(legacy, to);
  REQUIRE(moved.ok());
  CHECK(*moved);
  CHECK_FALSE(std::filesystem::exists(legacy));
  CHECK(to.Load()->refresh_token == "rt-old");
  CHECK(test::Mode(to.path()) == 0600);
  CHECK(test::Mode(dir.File("state/mailhoard")) == 0700);
  CHECK(FilesIn(dir.File("state/mailhoard")) == 1);

  auto again = MoveLegacyTokenFile(legacy, to);  // nothing left to do
  REQUIRE(again.ok());
  CHECK_FALSE(*again);
  CHECK(to.Load()->refresh_token == "rt-old");
}

TEST_CASE("a move killed at any step loses no token, and the next one finishes it") {
  TempDir dir;
  const std::string legacy = dir.File("old.json");
  const std::string target = dir.File("state/work.token.json");
  for (SaveStep at :
       {SaveStep::kWriteTemp, SaveStep::kFsyncTemp, SaveStep::kRename, SaveStep::kFsyncDir}) {
    std::filesystem::remove_all(dir.File("state"));
    REQUIRE(TokenStore(legacy).Save(Sample("old")).ok());
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      TokenStore to(target, [at](SaveStep s) {
        if (s == at) _exit(42);
        return Status::Ok();
      });
      (void)MoveLegacyTokenFile(legacy, to);
      _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 42);
    // At least one place holds the token.
    auto old_copy = TokenStore(legacy).Load();
    auto new_copy = TokenStore(target).Load();
    CHECK((old_copy.ok() || new_copy.ok()));
    auto moved = MoveLegacyTokenFile(legacy, TokenStore(target));
    INFO(moved.status().message());
    REQUIRE(moved.ok());
    CHECK(*moved);
    CHECK_FALSE(std::filesystem::exists(legacy));
    CHECK(TokenStore(target).Load()->refresh_token == "rt-old");
  }
}

TEST_CASE("a move that fails leaves the old token where it was") {
  TempDir dir;
  const std::string legacy = dir.File("old.json");
  REQUIRE(TokenStore(legacy).Save(Sample("old")).ok());
  TokenStore failing(dir.File("state/work.token.json"), [](SaveStep s) {
    return s == SaveStep::kRename ? IoError("injected") : Status::Ok();
  });
  auto moved = MoveLegacyTokenFile(legacy, failing);
  CHECK_FALSE(moved.ok());
  CHECK(TokenStore(legacy).Load()->refresh_token == "rt-old");
}

TEST_CASE("a token already in the new place wins over the old copy, which is removed") {
  TempDir dir;
  const std::string legacy = dir.File("old.json");
  REQUIRE(TokenStore(legacy).Save(Sample("old")).ok());
  TokenStore to(dir.File("new.json"));
  REQUIRE(to.Save(Sample("new")).ok());
  auto moved = MoveLegacyTokenFile(legacy, to);
  REQUIRE(moved.ok());
  CHECK(*moved);
  CHECK_FALSE(std::filesystem::exists(legacy));
  CHECK(to.Load()->refresh_token == "rt-new");
}

TEST_CASE("a damaged token in the new place stops the move and touches nothing") {
  TempDir dir;
  const std::string legacy = dir.File("old.json");
  REQUIRE(TokenStore(legacy).Save(Sample("old")).ok());
  const std::string target = dir.File("new.json");
  std::ofstream(target) << "not json";
  chmod(target.c_str(), 0600);
  auto moved = MoveLegacyTokenFile(legacy, TokenStore(target));
  REQUIRE_FALSE(moved.ok());
  CHECK(moved.status().code() == ErrorCode::kCorrupt);
  CHECK(TokenStore(legacy).Load()->refresh_token == "rt-old");
  CHECK(ReadFile(target) == "not json");
}

TEST_CASE("a token file with out-of-range times is clamped, not overflowed") {
  const auto max = std::chrono::system_clock::time_point(std::chrono::seconds(9'000'000'000));
  for (const char* when : {"9223372036854775807", "1e300", "18446744073709551615"}) {
    INFO(when);
    auto t = ParseStoredToken(std::string(R"({"access_token":"a","expires_at":)") + when +
                                  R"(,"refresh_token_obtained_at":-1e300})",
                              "/t.json");
    REQUIRE(t.ok());
    CHECK(t->expires_at == max);
    CHECK(t->refresh_token_obtained_at == std::chrono::system_clock::time_point{});
  }
  auto t = ParseStoredToken(R"({"access_token":"a","expires_at":1800000000.5})", "/t.json");
  REQUIRE(t.ok());
  CHECK(t->expires_at == std::chrono::system_clock::time_point(1'800'000'000s));
  auto bad = ParseStoredToken(R"({"access_token":"a","expires_at":"soon"})", "/t.json");
  CHECK(bad.status().code() == ErrorCode::kCorrupt);
  CHECK(bad.status().message().find("/t.json") != std::string::npos);
}

}  // namespace
}  // namespace mailhoard::auth
