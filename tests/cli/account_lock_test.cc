#include "cli/account_lock.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "tests/cli/test_util.h"

namespace mailhoard::cli {
namespace {

using testing::TempDir;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_CASE("a second holder is refused until the first releases", "[lock]") {
  TempDir dir;
  const std::string account_dir = dir / "archive/work";
  Result<AccountLock> first = AccountLock::Acquire(account_dir, "work");
  REQUIRE(first.ok());
  CHECK(first->held());
  CHECK(first->path() == account_dir + "/.mailhoard.lock");
  CHECK(ReadAll(first->path()) == std::to_string(getpid()) + "\n");
  struct stat st;
  REQUIRE(stat(account_dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);

  // A separate open file description conflicts, as another process would.
  Result<AccountLock> second = AccountLock::Acquire(account_dir, "work");
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == ErrorCode::kLocked);
  CHECK(second.status().message() ==
        "account work is being synced by another mailhoard (pid " + std::to_string(getpid()) + ")");

  first->Release();
  CHECK_FALSE(first->held());
  CHECK(ReadAll(account_dir + "/.mailhoard.lock").empty());
  Result<AccountLock> third = AccountLock::Acquire(account_dir, "work");
  CHECK(third.ok());
}

TEST_CASE("the lock is released on destruction and kept across a move", "[lock]") {
  TempDir dir;
  {
    Result<AccountLock> held = AccountLock::Acquire(dir.path(), "a");
    REQUIRE(held.ok());
    AccountLock moved = std::move(held).value();
    CHECK(moved.held());
    CHECK_FALSE(AccountLock::Acquire(dir.path(), "a").ok());
  }
  CHECK(AccountLock::Acquire(dir.path(), "a").ok());
}

TEST_CASE("another process is refused and the lock dies with its holder", "[lock]") {
  TempDir dir;
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    Result<AccountLock> lock = AccountLock::Acquire(dir.path(), "work");
    const char c = lock.ok() ? 'y' : 'n';
    if (write(ready[1], &c, 1) != 1) _exit(2);
    pause();  // held until killed
    _exit(0);
  }
  close(ready[1]);
  char c = 0;
  REQUIRE(read(ready[0], &c, 1) == 1);
  close(ready[0]);
  REQUIRE(c == 'y');

  Result<AccountLock> mine = AccountLock::Acquire(dir.path(), "work");
  REQUIRE_FALSE(mine.ok());
  CHECK(mine.status().message().find("(pid " + std::to_string(child) + ")") != std::string::npos);

  // A crashed holder leaves no stale lock behind.
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  CHECK(AccountLock::Acquire(dir.path(), "work").ok());
}

TEST_CASE("different accounts do not block each other", "[lock]") {
  TempDir dir;
  Result<AccountLock> a = AccountLock::Acquire(dir / "a", "a");
  Result<AccountLock> b = AccountLock::Acquire(dir / "b", "b");
  CHECK(a.ok());
  CHECK(b.ok());
}

}  // namespace
}  // namespace mailhoard::cli
