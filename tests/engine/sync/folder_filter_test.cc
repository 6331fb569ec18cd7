#include "engine/sync/folder_filter.h"

#include <catch2/catch.hpp>

namespace mailhoard::sync {
namespace {

TEST_CASE("GlobMatch: * crosses the delimiter, % does not") {
  CHECK(GlobMatch("*", "Archive/2024", '/'));
  CHECK(GlobMatch("Archive/*", "Archive/2024/Q1", '/'));
  CHECK(GlobMatch("Archive/%", "Archive/2024", '/'));
  CHECK_FALSE(GlobMatch("Archive/%", "Archive/2024/Q1", '/'));
  CHECK(GlobMatch("%", "Entwürfe", '/'));
  CHECK_FALSE(GlobMatch("%", "Übersicht/Berichte 2024", '/'));
  CHECK(GlobMatch("*Bills", "Receipts & Bills", '/'));
  CHECK_FALSE(GlobMatch("Junk", "Junk Email", '/'));
  CHECK(GlobMatch("inbox", "INBOX", '/'));
  CHECK_FALSE(GlobMatch("sent", "Sent", '/'));
  CHECK(GlobMatch("a*b*c", "a-x-b-y-c", '/'));
  CHECK_FALSE(GlobMatch("a*b*c", "a-x-b-y-d", '/'));
  CHECK(GlobMatch("", "", '/'));
}

TEST_CASE("FolderFilter: include minus exclude") {
  FolderFilter filter({"*"}, {"Junk Email", "Deleted Items", "Archive/*"});
  CHECK(filter.Matches("INBOX", '/'));
  CHECK(filter.Matches("Archive", '/'));
  CHECK_FALSE(filter.Matches("Archive/2023", '/'));
  CHECK_FALSE(filter.Matches("Junk Email", '/'));
  FolderFilter only({"INBOX", "Sent"}, {});
  CHECK(only.Matches("Inbox", '/'));
  CHECK_FALSE(only.Matches("Drafts", '/'));
  CHECK(FolderFilter().Matches("anything/at/all", '/'));
}

}  // namespace
}  // namespace mailhoard::sync
