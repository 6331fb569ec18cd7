#include "cli/export/folder_file_names.h"

#include <catch2/catch.hpp>
#include <set>

namespace mailhoard::cli {
namespace {

index::FolderRecord Folder(const std::string& name, const std::string& delimiter = "/") {
  index::FolderRecord f;
  f.display_name = name;
  f.remote_name = name;
  f.delimiter = delimiter;
  return f;
}

std::vector<std::string> Names(const std::vector<index::FolderRecord>& folders) {
  auto names = MboxFileNames(folders);
  REQUIRE(names.ok());
  return *names;
}

TEST_CASE("mbox file names keep the hierarchy readable", "[export]") {
  CHECK(Names({Folder("INBOX"), Folder("Archive"), Folder("Archive/2024"), Folder("v1.2"),
               Folder("Sent Items"), Folder("Entwürfe"), Folder("a.b", ".")}) ==
        std::vector<std::string>{"INBOX.mbox", "Archive.mbox", "Archive.2024.mbox", "v1%2E2.mbox",
                                 "Sent Items.mbox", "Entwürfe.mbox", "a.b.mbox"});
}

TEST_CASE("mbox file names never leave the directory", "[export]") {
  const std::vector<std::string> names =
      Names({Folder("../../etc"), Folder(".."), Folder("."), Folder("/abs"), Folder("a\\b"),
             Folder(".hidden"), Folder("x/../../y"), Folder("%2E"), Folder("a\nb")});
  for (const auto& n : names) {
    INFO(n);
    CHECK(n.find('/') == std::string::npos);
    CHECK(n.find('\\') == std::string::npos);
    CHECK(n.find('\n') == std::string::npos);
    CHECK(n.front() != '.');
    CHECK(n.size() <= 255);
  }
  CHECK(names[0] == "%2E%2E.%2E%2E.etc.mbox");
  // Every name distinct: "%2E" the folder is not "." the folder.
  CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
}

TEST_CASE("mbox file names differ beyond ASCII case and fit 255 bytes", "[export]") {
  auto names = Names({Folder("Work"), Folder("work"), Folder("WORK")});
  CHECK(names[0] == "Work.mbox");
  CHECK(names[1] != "work.mbox");
  CHECK(names[2] != names[1]);
  const std::string long_name(300, 'x');
  const std::string umlauts = std::string(200, 'y') + "ääääääääääääääääääääääääääää";
  auto longs = Names({Folder(long_name), Folder(long_name + "z"), Folder(umlauts)});
  for (const auto& n : longs) {
    CHECK(n.size() <= 255);
    CHECK(n.size() >= 5);
    CHECK(n.substr(n.size() - 5) == ".mbox");
  }
  CHECK(longs[0] != longs[1]);
}

}  // namespace
}  // namespace mailhoard::cli
