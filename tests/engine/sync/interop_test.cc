// Other mail software reads the archive as it is: Dovecot serving a copy of
// an account directory as its Maildir returns the same messages and flags,
// and `notmuch new` indexes every message.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "tests/engine/sync/imap_sync_test_util.h"
#include "tests/support/corpus.h"
#include "tests/support/subprocess.h"

namespace mailhoard::sync::testing {
namespace {

namespace fs = std::filesystem;
using mailhoard::testing::DovecotServer;

void SeedAndSync(SyncFixture& fx) {
  mailhoard::testing::CorpusOptions corpus;
  corpus.seed = 11;
  corpus.messages = 60;
  mailhoard::testing::LoadCorpus(fx.server, fx.user.name, corpus);
  SyncResult r = fx.Run();
  INFO(r.status.ToString());
  REQUIRE(r.ok());
  REQUIRE(fx.CompareWithServer() == "");
}

size_t CountMessageFiles(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().parent_path().filename() == "cur") ++n;
  }
  return n;
}

TEST_CASE("Dovecot serves the archive as its own Maildir", "[integration]") {
  DovecotServer& server = DovecotServer::Shared();
  SyncFixture fx(server);
  SeedAndSync(fx);
  // A second user whose Maildir is a copy of the archived account. Folder
  // directories are named in UTF-8 (not Courier's modified UTF-7), which
  // Dovecot reads with the ":UTF-8" mail_location flag.
  auto reader = server.CreateUser("userdb_mail=maildir:~/Maildir:UTF-8");
  std::string maildir = server.MaildirPath(reader.name);
  fs::copy(fx.dir + "/account", maildir, fs::copy_options::recursive);
  mailhoard::testing::RunOrDie(
      {"chown", "-R", "--reference=" + fs::path(maildir).parent_path().string(), maildir});
  server.Doveadm({"force-resync", "-u", reader.name, "*"});

  for (const std::string& folder : server.Folders(fx.user.name)) {
    auto original = server.Messages(fx.user.name, folder);
    auto served = server.Messages(reader.name, folder);
    INFO(folder);
    REQUIRE(served.size() == original.size());
    // UIDs differ (Dovecot numbers the files afresh); match by content.
    std::multiset<std::string> a, b;
    for (const auto& m : original) {
      std::string flags;
      for (const auto& f : m.flags) {
        if (f[0] == '\\') flags += f + " ";  // keywords live in our index
      }
      a.insert(flags + "\n" + m.bytes);
    }
    for (const auto& m : served) {
      std::string flags;
      for (const auto& f : m.flags) {
        if (f[0] == '\\') flags += f + " ";
      }
      b.insert(flags + "\n" + m.bytes);
    }
    CHECK(a == b);
  }
}

TEST_CASE("notmuch indexes every archived message", "[integration]") {
  DovecotServer& server = DovecotServer::Shared();
  SyncFixture fx(server);
  SeedAndSync(fx);
  std::string config = fx.dir + "/notmuch-config";
  {
    std::ofstream out(config);
    out << "[database]\npath=" << fx.dir << "/account\n[new]\nignore=.mailhoard.sqlite;"
        << ".mailhoard.sqlite-wal;.mailhoard.sqlite-shm;.mailhoard.lock\n";
  }
  setenv("NOTMUCH_CONFIG", config.c_str(), 1);
  auto created = mailhoard::testing::RunCommand({"notmuch", "new", "--quiet"});
  INFO(created.err);
  REQUIRE(created.exit_code == 0);
  auto count = mailhoard::testing::RunCommand({"notmuch", "count", "--output=files", "*"});
  REQUIRE(count.exit_code == 0);
  CHECK(std::stoul(count.out) == CountMessageFiles(fx.dir + "/account"));
  CHECK(std::stoul(count.out) == 60);
  // And finds them by what they say.
  auto hits = mailhoard::testing::RunCommand({"notmuch", "count", "subject:quarterly"});
  CHECK(std::stoul(hits.out) > 0);
}

}  // namespace
}  // namespace mailhoard::sync::testing
