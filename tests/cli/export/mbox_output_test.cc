#include "cli/export/mbox_output.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/cli/test_util.h"

namespace mailhoard::cli {
namespace {

using testing::TempDir;
using testing::WriteFile;

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

size_t Entries(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST_CASE("an mbox file appears whole, 0600, only when committed", "[export]") {
  TempDir tmp;
  const std::string path = tmp / "out.mbox";
  {
    auto f = MboxFile::Create(path, false);
    REQUIRE(f.ok());
    REQUIRE((*f)->Write("From x\n"));
    CHECK_FALSE(std::filesystem::exists(path));
    REQUIRE((*f)->Commit().ok());
  }
  CHECK(ReadFileOrEmpty(path) == "From x\n");
  CHECK(ModeOf(path) == 0600);
  CHECK(Entries(tmp.path()) == 1);  // no temporary left beside it
  // Abandoned before Commit: nothing changes, nothing is left.
  { REQUIRE(MboxFile::Create(tmp / "other.mbox", false).ok()); }
  CHECK(Entries(tmp.path()) == 1);
}

TEST_CASE("an existing mbox file is replaced only with force", "[export]") {
  TempDir tmp;
  const std::string path = WriteFile(tmp / "keep.mbox", "precious", 0644);
  auto refused = MboxFile::Create(path, false);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == ErrorCode::kInvalidArgument);
  CHECK(refused.status().message() == path + " already exists; pass --force to replace it");
  CHECK(ReadFileOrEmpty(path) == "precious");
  // A file that appears while the export runs is not replaced either.
  const std::string late = tmp / "late.mbox";
  auto f = MboxFile::Create(late, false);
  REQUIRE(f.ok());
  WriteFile(late, "theirs");
  REQUIRE((*f)->Write("ours"));
  Status s = (*f)->Commit();
  CHECK(s.code() == ErrorCode::kInvalidArgument);
  CHECK(ReadFileOrEmpty(late) == "theirs");

  auto forced = MboxFile::Create(path, true);
  REQUIRE(forced.ok());
  REQUIRE((*forced)->Write("new"));
  REQUIRE((*forced)->Commit().ok());
  CHECK(ReadFileOrEmpty(path) == "new");
  CHECK(ModeOf(path) == 0600);
  // A directory is never a FILE.
  std::filesystem::create_directory(tmp / "d");
  CHECK(MboxFile::Create(tmp / "d", true).status().code() == ErrorCode::kInvalidArgument);
}

TEST_CASE("an mbox directory is built aside and renamed into place", "[export]") {
  TempDir tmp;
  const std::string path = tmp / "out";
  {
    auto dir = MboxDirectory::Create(path + "/", false);
    REQUIRE(dir.ok());
    auto f = (*dir)->NewFile("INBOX.mbox");
    REQUIRE(f.ok());
    REQUIRE((*f)->Write("x"));
    REQUIRE((*f)->Commit().ok());
    CHECK_FALSE(std::filesystem::exists(path));
    CHECK_FALSE((*dir)->NewFile("../escape").ok());
    REQUIRE((*dir)->Commit().ok());
  }
  CHECK(ModeOf(path) == 0700);
  CHECK(ModeOf(path + "/INBOX.mbox") == 0600);
  CHECK(Entries(tmp.path()) == 1);
  // Abandoned: no directory, no temporary.
  {
    auto dir = MboxDirectory::Create(tmp / "failed", false);
    REQUIRE(dir.ok());
    auto f = (*dir)->NewFile("a.mbox");
    REQUIRE(f.ok());
    REQUIRE((*f)->Commit().ok());
  }
  CHECK(Entries(tmp.path()) == 1);

  // Existing and not empty: refused without force; with force written into.
  auto refused = MboxDirectory::Create(path, false);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == ErrorCode::kInvalidArgument);
  WriteFile(path + "/notes.txt", "mine");
  {
    auto dir = MboxDirectory::Create(path, true);
    REQUIRE(dir.ok());
    auto f = (*dir)->NewFile("INBOX.mbox");
    REQUIRE(f.ok());
    REQUIRE((*f)->Write("y"));
    REQUIRE((*f)->Commit().ok());
    REQUIRE((*dir)->Commit().ok());
  }
  CHECK(ReadFileOrEmpty(path + "/INBOX.mbox") == "y");
  CHECK(ReadFileOrEmpty(path + "/notes.txt") == "mine");
  // An empty directory is taken as it is; a file is not a directory.
  std::filesystem::create_directory(tmp / "empty");
  CHECK(MboxDirectory::Create(tmp / "empty", false).ok());
  WriteFile(tmp / "plain", "");
  CHECK(MboxDirectory::Create(tmp / "plain", true).status().code() == ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace mailhoard::cli
