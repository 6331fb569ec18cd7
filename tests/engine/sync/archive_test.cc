#include "engine/sync/archive.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/temp_dir.h"

#include "tests/core/fake_clock.h"

namespace mailhoard::sync {
namespace {

namespace fs = std::filesystem;

struct TempDir : mailhoard::testing::ScratchDir {
  TempDir() : ScratchDir("archive") {}
};

ArchiveOptions Options(const std::string& dir) {
  ArchiveOptions o;
  o.account_dir = dir + "/acct";
  o.durability = maildir::Durability::kBatch;
  o.clock = &mailhoard::testing::ArchiveTestClock();
  return o;
}

std::string Message(int n) {
  return "From: =?UTF-8?Q?Chlo=C3=A9?= <c@example.org>\r\nSubject: note " + std::to_string(n) +
         "\r\nMessage-ID: <m" + std::to_string(n) +
         "@x>\r\nDate: Tue, 1 Aug 2023 10:00:00 +0000\r\n\r\nbody text " + std::to_string(n) +
         " quarterly\r\n";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<int64_t> Store(Archive& archive, ArchiveFolder* folder, uint32_t uid,
                      const std::string& bytes, FlagSet flags = FlagSet()) {
  MH_ASSIGN_OR_RETURN(auto msg, archive.NewMessage(folder));
  // Arrives in two pieces, as from the network.
  MH_RETURN_IF_ERROR(msg->Write(bytes.data(), bytes.size() / 2));
  MH_RETURN_IF_ERROR(msg->Write(bytes.data() + bytes.size() / 2, bytes.size() - bytes.size() / 2));
  IncomingMeta meta;
  meta.uidvalidity = 42;
  meta.uid = uid;
  meta.flags = flags;
  meta.internal_date = 1690000000 + uid;
  return msg->Commit(meta);
}

const RemoteFolderInfo kEntwuerfe{"Entw&APw-rfe", "Entwürfe", '/', "\\Drafts", ""};

TEST_CASE("Archive stores messages byte for byte and records them") {
  TempDir tmp;
  auto archive = Archive::Open(Options(tmp.path));
  REQUIRE(archive.ok());
  auto folder = (*archive)->OpenFolder(kEntwuerfe, 42);
  REQUIRE(folder.ok());
  for (int i = 1; i <= 3; ++i) {
    REQUIRE(Store(**archive, *folder, i, Message(i), FlagSet({"\\Seen", "$Forwarded"})).ok());
  }
  index::FolderSyncState state{42, 4, 0, 3, 3, std::nullopt};
  REQUIRE((*archive)->FinishFolder(*folder, state).ok());
  REQUIRE((*archive)->Flush().ok());  // files leave tmp/ when the batch commits
  auto local = (*archive)->LocalMessages(*folder, 42);
  REQUIRE(local.ok());
  REQUIRE(local->size() == 3);
  CHECK((*local)[0].flags == FlagSet({"\\Seen", "$Forwarded"}));
  auto row = (*archive)->index().FindMessage((*folder)->id, 42, 2);
  REQUIRE(row.ok());
  REQUIRE(row->has_value());
  CHECK((*row)->message_id.find("m2@x") != std::string::npos);
  CHECK((*row)->from_addr.find("Chloé") != std::string::npos);
  std::string path =
      (*archive)->maildir().FolderDir((*folder)->local_path) + "/" + (*row)->file_name;
  CHECK(ReadFile(path) == Message(2));
  CHECK(fs::last_write_time(path).time_since_epoch().count() != 0);
  auto hits = (*archive)->index().Search(*index::ParseSearchQuery("quarterly"), "", 10);
  REQUIRE(hits.ok());
  CHECK(hits->hits.size() == 3);
}

TEST_CASE("Archive adopts files a crash left in cur/ without index rows") {
  TempDir tmp;
  {
    auto archive = Archive::Open(Options(tmp.path));
    REQUIRE(archive.ok());
    auto folder = (*archive)->OpenFolder(kEntwuerfe, 42);
    REQUIRE(folder.ok());
    REQUIRE(Store(**archive, *folder, 7, Message(7), FlagSet({"\\Flagged"})).ok());
    // The process dies between the two halves of a flush: the files are
    // durable in cur/, the index transaction never commits.
    REQUIRE((*archive)->maildir().SyncBatch().ok());
  }
  auto archive = Archive::Open(Options(tmp.path));
  REQUIRE(archive.ok());
  auto folder = (*archive)->OpenFolder(kEntwuerfe, 42);
  REQUIRE(folder.ok());
  CHECK((*folder)->adopted == 1);
  auto local = (*archive)->LocalMessages(*folder, 42);
  REQUIRE(local.ok());
  REQUIRE(local->size() == 1);
  CHECK((*local)[0].uid == 7);
  CHECK((*local)[0].flags == FlagSet({"\\Flagged"}));
  auto row = (*archive)->index().FindMessage((*folder)->id, 42, 7);
  REQUIRE(row.ok());
  REQUIRE(row->has_value());
  CHECK((*row)->subject == "note 7");
  CHECK((*row)->size == Message(7).size());
}

TEST_CASE("Archive applies flag changes and both expunge policies") {
  TempDir tmp;
  auto archive = Archive::Open(Options(tmp.path));
  REQUIRE(archive.ok());
  auto folder = (*archive)->OpenFolder({"INBOX", "INBOX", '/', "", ""}, 42);
  INFO(folder.status().ToString());
  REQUIRE(folder.ok());
  auto id1 = Store(**archive, *folder, 1, Message(1));
  auto id2 = Store(**archive, *folder, 2, Message(2));
  auto id3 = Store(**archive, *folder, 3, Message(3));
  REQUIRE((id1.ok() && id2.ok() && id3.ok()));
  REQUIRE((*archive)->ApplyFlags(*folder, {*id1, 1, FlagSet({"\\Seen", "$Junk"})}).ok());
  REQUIRE((*archive)->ApplyExpunges(*folder, 42, {{*id2, 2}}, Policy::kArchive).ok());
  REQUIRE((*archive)->ApplyExpunges(*folder, 42, {{*id3, 3}}, Policy::kMirror).ok());
  REQUIRE((*archive)->Flush().ok());
  auto local = (*archive)->LocalMessages(*folder, 42);
  REQUIRE(local.ok());
  REQUIRE(local->size() == 2);
  CHECK((*local)[0].flags == FlagSet({"\\Seen", "$Junk"}));
  CHECK((*local)[1].expunged);
  auto row = (*archive)->index().GetMessage(*id1);
  REQUIRE(row.ok());
  CHECK((*row)->file_name.find(":2,S") != std::string::npos);
  std::string dir = (*archive)->maildir().FolderDir((*folder)->local_path);
  CHECK(fs::exists(dir + "/" + (*row)->file_name));
  size_t files = 0;
  for (auto& e : fs::directory_iterator(dir + "/cur")) files += e.is_regular_file();
  CHECK(files == 2);  // the mirrored expunge removed its file, the archived one stays
}

TEST_CASE("Archive keeps a hostile folder name inside the account directory") {
  TempDir tmp;
  auto archive = Archive::Open(Options(tmp.path));
  REQUIRE(archive.ok());
  auto folder = (*archive)->OpenFolder({"../../etc", "../../etc", '/', "", ""}, 1);
  REQUIRE(folder.ok());
  std::string dir = fs::weakly_canonical((*archive)->maildir().FolderDir((*folder)->local_path));
  CHECK(dir.rfind(tmp.path + "/acct/", 0) == 0);
  CHECK_FALSE(fs::exists(tmp.path + "/etc"));
}

}  // namespace
}  // namespace mailhoard::sync

namespace mailhoard::sync {
namespace {

TEST_CASE("A folder cannot map onto the archive's own files") {
  TempDir tmp;
  auto archive = Archive::Open(Options(tmp.path));
  REQUIRE(archive.ok());
  auto folder = (*archive)->OpenFolder({"mailhoard/sqlite", "mailhoard/sqlite", '/', "", ""}, 1);
  REQUIRE(folder.ok());
  CHECK((*folder)->local_path != ".mailhoard.sqlite");
  REQUIRE(Store(**archive, *folder, 1, Message(1)).ok());
  REQUIRE((*archive)->Flush().ok());
}

TEST_CASE("An unfetchable message is recorded, then replaced when it arrives") {
  TempDir tmp;
  auto archive = Archive::Open(Options(tmp.path));
  REQUIRE(archive.ok());
  auto folder = (*archive)->OpenFolder({"INBOX", "INBOX", '/', "", ""}, 42);
  REQUIRE(folder.ok());
  REQUIRE((*archive)->RecordUnfetchable(*folder, 42, 5, "placeholder").ok());
  auto local = (*archive)->LocalMessages(*folder, 42);
  REQUIRE(local.ok());
  REQUIRE(local->size() == 1);
  CHECK((*local)[0].unfetchable);
  REQUIRE(Store(**archive, *folder, 5, Message(5)).ok());
  REQUIRE((*archive)->Flush().ok());
  local = (*archive)->LocalMessages(*folder, 42);
  REQUIRE(local->size() == 1);
  CHECK_FALSE((*local)[0].unfetchable);
}

TEST_CASE("A file that reached cur/ for an unfetchable message before a crash is adopted") {
  TempDir tmp;
  {
    auto archive = Archive::Open(Options(tmp.path));
    REQUIRE(archive.ok());
    auto folder = (*archive)->OpenFolder({"INBOX", "INBOX", '/', "", ""}, 42);
    REQUIRE(folder.ok());
    REQUIRE((*archive)->RecordUnfetchable(*folder, 42, 5, "placeholder").ok());
    REQUIRE((*archive)->Flush().ok());
    // Arrives on a later run; the process dies before the index commit.
    REQUIRE(Store(**archive, *folder, 5, Message(5)).ok());
    REQUIRE((*archive)->maildir().SyncBatch().ok());
  }
  auto archive = Archive::Open(Options(tmp.path));
  REQUIRE(archive.ok());
  auto folder = (*archive)->OpenFolder({"INBOX", "INBOX", '/', "", ""}, 42);
  REQUIRE(folder.ok());
  CHECK((*folder)->adopted == 1);
  auto local = (*archive)->LocalMessages(*folder, 42);
  REQUIRE(local.ok());
  REQUIRE(local->size() == 1);
  CHECK_FALSE((*local)[0].unfetchable);
}

}  // namespace
}  // namespace mailhoard::sync

namespace mailhoard::sync {
namespace {

TEST_CASE("dedupe stores a message seen in several folders once, as hard links") {
  TempDir tmp;
  ArchiveOptions o = Options(tmp.path);
  o.dedupe = true;
  auto archive = Archive::Open(o);
  REQUIRE(archive.ok());
  auto all = (*archive)->OpenFolder({"[Gmail]/All Mail", "[Gmail]/All Mail", '/', "\\All", ""}, 1);
  auto inbox = (*archive)->OpenFolder({"INBOX", "INBOX", '/', "", ""}, 2);
  REQUIRE((all.ok() && inbox.ok()));
  REQUIRE(Store(**archive, *all, 10, Message(1), FlagSet({"\\Seen"})).ok());
  REQUIRE((*archive)->Flush().ok());
  auto id = Store(**archive, *inbox, 3, Message(1), FlagSet({"\\Flagged"}));
  REQUIRE(id.ok());
  REQUIRE((*archive)->Flush().ok());
  auto row = (*archive)->index().GetMessage(*id);
  REQUIRE(row.ok());
  std::string path =
      (*archive)->maildir().FolderDir((*inbox)->local_path) + "/" + (*row)->file_name;
  CHECK(fs::hard_link_count(path) == 2);
  CHECK(ReadFile(path) == Message(1));
  CHECK((*row)->file_name.find(",U=3,") != std::string::npos);
  CHECK((*row)->file_name.find(":2,F") != std::string::npos);
  size_t files = 0;
  for (auto& e :
       fs::directory_iterator((*archive)->maildir().FolderDir((*inbox)->local_path) + "/cur")) {
    files += e.is_regular_file();
  }
  CHECK(files == 1);
}

}  // namespace
}  // namespace mailhoard::sync
