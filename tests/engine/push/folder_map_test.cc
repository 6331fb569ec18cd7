#include "engine/push/folder_map.h"

#include <catch2/catch.hpp>

namespace mailhoard::push {
namespace {

SourceFolder Src(int64_t id, std::string name, std::string special = "", std::string delim = "/") {
  return {id, std::move(name), std::move(delim), std::move(special)};
}

const FolderMapping& Find(const std::vector<FolderMapping>& all, const std::string& source) {
  for (const auto& m : all) {
    if (m.source_name == source) return m;
  }
  FAIL("no mapping for " << source);
  return all.front();
}

TEST_CASE("Microsoft 365's folders land in the target's special-use folders by role") {
  std::vector<TargetMailbox> target = {{"INBOX", "", true},
                                       {"Sent", "\\Sent", true},
                                       {"Papierkorb", "\\Trash", true},
                                       {"Drafts", "\\Drafts", true}};
  auto m = MapFolders({Src(1, "Inbox"), Src(2, "Sent Items"), Src(3, "Deleted Items"),
                       Src(4, "Junk Email"), Src(5, "Drafts", "\\Drafts")},
                      target, '.', {});
  CHECK(Find(m, "Inbox").target_name == "INBOX");
  CHECK_FALSE(Find(m, "Inbox").create);
  CHECK(Find(m, "Sent Items").target_name == "Sent");
  CHECK(Find(m, "Sent Items").role == "\\Sent");
  CHECK_FALSE(Find(m, "Sent Items").create);
  CHECK(Find(m, "Deleted Items").target_name == "Papierkorb");
  // No \Junk on the target: the role's usual name, created.
  CHECK(Find(m, "Junk Email").target_name == "Junk");
  CHECK(Find(m, "Junk Email").create);
  CHECK(Find(m, "Drafts").target_name == "Drafts");
  CHECK(Find(m, "Drafts").note.empty());
}

TEST_CASE("The special-use attribute wins over the name") {
  auto m = MapFolders({Src(1, "Gesendete Objekte", "\\Sent")}, {{"Sent", "\\Sent", true}}, '/', {});
  CHECK(m[0].target_name == "Sent");
}

TEST_CASE("Hierarchy is re-joined with the target's delimiter") {
  auto m = MapFolders({Src(1, "Projects/2024/Q1"), Src(2, "INBOX/Receipts"), Src(3, "a.b/c")},
                      {{"INBOX", "", true}}, '.', {});
  CHECK(Find(m, "Projects/2024/Q1").target_name == "Projects.2024.Q1");
  CHECK(Find(m, "Projects/2024/Q1").create);
  CHECK(Find(m, "INBOX/Receipts").target_name == "INBOX.Receipts");
  // '.' inside a level cannot stay one level on a '.' server.
  CHECK(Find(m, "a.b/c").target_name == "a_b.c");
  CHECK_FALSE(Find(m, "a.b/c").note.empty());
}

TEST_CASE("A '.' source goes to a '/' target") {
  auto m = MapFolders({Src(1, "Lists.dev", "", ".")}, {}, '/', {});
  CHECK(m[0].target_name == "Lists/dev");
}

TEST_CASE("Renames in config name the target path with '/' levels") {
  FolderMapOptions o;
  o.renames["Sent Items"] = "Old/Sent 2019";
  auto m = MapFolders({Src(1, "Sent Items")}, {{"Sent", "\\Sent", true}}, '.', o);
  CHECK(m[0].target_name == "Old.Sent 2019");
  CHECK(m[0].create);
}

TEST_CASE("Gmail's virtual folders are not pushed, nothing goes into All Mail") {
  auto m = MapFolders(
      {Src(1, "[Gmail]/All Mail"), Src(2, "[Gmail]/Starred"), Src(3, "Archive", "\\All")},
      {{"[Gmail]/All Mail", "\\All", true}}, '/', {});
  for (const auto& f : m) {
    CHECK_FALSE(f.skip.empty());
    CHECK(f.target_name.empty());
  }
}

TEST_CASE("Microsoft 365 reserves Files at the top level") {
  FolderMapOptions o;
  o.exchange_target = true;
  auto m = MapFolders({Src(1, "Files"), Src(2, "Files/Old"), Src(3, "Projects/Files")}, {}, '/', o);
  CHECK(Find(m, "Files").target_name == "Files (archived)");
  CHECK_FALSE(Find(m, "Files").note.empty());
  CHECK(Find(m, "Files/Old").target_name == "Files (archived)/Old");
  CHECK(Find(m, "Projects/Files").target_name == "Projects/Files");
  auto plain = MapFolders({Src(1, "Files")}, {}, '/', {});
  CHECK(plain[0].target_name == "Files");
}

TEST_CASE("Non-ASCII names pass through as UTF-8") {
  auto m = MapFolders({Src(1, "Café/Reçus")}, {{"Café", "", true}}, '.', {});
  CHECK(m[0].target_name == "Café.Reçus");
}

}  // namespace
}  // namespace mailhoard::push
