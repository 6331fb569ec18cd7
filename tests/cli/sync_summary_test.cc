#include "cli/commands/sync_summary.h"

#include <catch2/catch.hpp>

namespace mailhoard::cli {
namespace {

sync::FolderResult Folder(const std::string& name) {
  sync::FolderResult f;
  f.name = name;
  return f;
}

TEST_CASE("the sync summary names every kind of change", "[sync_summary]") {
  sync::SyncResult r;
  r.folders_listed = 16;
  r.folders = {Folder("INBOX"), Folder("Sent")};
  r.folders[0].fetched = 2;
  r.folders[0].bytes = 3 * 1024 * 1024;
  r.folders[0].flag_updates = 5;
  r.folders[1].expunged = 3;
  r.folders_gone = {"Old", "Projects/2019"};
  CHECK(SyncSummary("a", r, false, 0.24) ==
        "a: 2 new messages (3.1 MB), 5 flag changes, 3 expunged on the server in 2 of 16 "
        "folders, 0.2 s\n"
        "a: 2 folders gone from the server (archived mail stays): Old, Projects/2019\n");
  CHECK(SyncSummary("a", r, true, 0.24) ==
        "a: would fetch 2 new messages (3.1 MB), 5 flag changes, 3 expunged on the server in 2 "
        "of 16 folders, 0.2 s\n"
        "a: would mark 2 folders gone from the server (archived mail stays): Old, "
        "Projects/2019\n");
}

TEST_CASE("a quiet run says only what it fetched", "[sync_summary]") {
  sync::SyncResult r;
  r.folders_listed = 1;
  r.folders = {Folder("INBOX")};
  r.folders[0].fetched = 1;
  r.folders[0].bytes = 10;
  CHECK(SyncSummary("a", r, false, 1.0) == "a: 1 new message (0.0 MB) in 1 of 1 folder, 1.0 s\n");
}

TEST_CASE("an interrupted run says how to continue", "[sync_summary]") {
  sync::SyncResult r;
  r.folders_listed = 3;
  r.folders = {Folder("INBOX"), Folder("Sent"), Folder("Archive")};
  r.folders[0].fetched = 8412;
  r.folders[1].status = Status::Error(ErrorCode::kCancelled, "stopped");
  r.folders[2].status = Status::Error(ErrorCode::kCancelled, "stopped");
  const std::string s = SyncSummary("a", r, false, 3.0);
  CHECK(s.rfind("a: interrupted after 8412 new messages (0.0 MB) in 3 of 3 folders, 3.0 s\n", 0) ==
        0);
  CHECK(s.find("a: 2 folders not finished; run `mailhoard sync` again to continue") !=
        std::string::npos);
  CHECK(s.find("failed") == std::string::npos);
}

}  // namespace
}  // namespace mailhoard::cli
