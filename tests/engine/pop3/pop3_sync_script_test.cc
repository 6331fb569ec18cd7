// SyncPop3Account against scripted servers (ScriptTransport): the paths a
// real Dovecot does not take — no UIDL, a message the server refuses, a
// hostile response in the middle of a download.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "engine/sync/pop3_sync.h"
#include "tests/engine/pop3/conversation_util.h"

#include "tests/core/fake_clock.h"

namespace mailhoard::pop3::testing {
namespace {

using Steps = std::vector<mailhoard::testing::ScriptStep>;

struct ScriptedAccount {
  ScriptedAccount() {
    char tmpl[] = "/tmp/mailhoard-pop3s-XXXXXX";
    dir = mkdtemp(tmpl);
    sync::ArchiveOptions o;
    o.account_dir = dir + "/account";
    o.clock = &mailhoard::testing::ArchiveTestClock();
    archive = std::move(sync::Archive::Open(o)).value();
  }
  ~ScriptedAccount() {
    archive.reset();
    std::filesystem::remove_all(dir);
  }

  // Runs one sync against `steps`; Done() of the script is checked.
  sync::SyncResult Run(Steps steps, sync::Pop3Mode mode = sync::Pop3Mode::kKeep,
                       bool dry_run = false) {
    sync::Pop3SyncOptions o;
    o.dry_run = dry_run;
    o.client.connect.tls = net::TlsMode::kNone;
    o.client.allow_plaintext_login = true;
    o.client.max_message_line = 1000;
    o.credentials = Password("joe", "pw", auth::AuthMethod::kPasswordCommand);
    o.mode = mode;
    o.retry.attempts = 1;
    o.on_warning = [this](std::string_view w) { warnings.emplace_back(w); };
    ScriptTransport script(steps);
    o.connect = [&](const ClientOptions& co) {
      return Pop3Client::Start(
          // The script must outlive the client's transport for Done().
          std::make_unique<BorrowedTransport>(&script), co);
    };
    sync::SyncResult r = sync::SyncPop3Account(*archive, o);
    script_status = script.Done();
    return r;
  }

  size_t Rows() {
    size_t n = 0;
    (void)archive->index().ForEachMessageFile([&](const index::MessageFile&) {
      ++n;
      return Status::Ok();
    });
    return n;
  }

  std::string dir;
  std::unique_ptr<sync::Archive> archive;
  std::vector<std::string> warnings;
  Status script_status;
};

Steps LoggedIn(const std::string& capa) {
  return {Server("+OK hi\r\n"),   Client("CAPA\r\n"), Server("+OK\r\n" + capa + ".\r\n"),
          Client("USER joe\r\n"), Server("+OK\r\n"),  Client("PASS pw\r\n"),
          Server("+OK ready\r\n")};
}

Steps operator+(Steps a, const Steps& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const std::string kMsg1 = "Subject: one\r\n\r\nfirst\r\n";
const std::string kMsg2 = "Subject: two\r\n\r\n..second\r\n";  // wire form (dot-stuffed)

Steps NoUidlListing() {
  return {Client("UIDL\r\n"),   Server("-ERR unknown command\r\n"),
          Client("LIST\r\n"),   Server("+OK\r\n1 24\r\n2 27\r\n.\r\n"),
          Client("RETR 1\r\n"), Server("+OK\r\n" + kMsg1 + ".\r\n"),
          Client("RETR 2\r\n"), Server("+OK\r\n" + kMsg2 + ".\r\n")};
}

TEST_CASE("without UIDL: SHA-256 de-duplication, then drain deletes what is archived") {
  ScriptedAccount acct;
  auto first = acct.Run(LoggedIn("USER\r\n") + NoUidlListing() +
                        Steps{Client("QUIT\r\n"), Server("+OK bye\r\n")});
  INFO(first.folders[0].status.ToString());
  REQUIRE(first.ok());
  CHECK(acct.script_status.ok());
  CHECK(first.fetched() == 2);
  CHECK(acct.warnings.size() == 1);
  CHECK(acct.Rows() == 2);

  auto second = acct.Run(LoggedIn("USER\r\n") + NoUidlListing() +
                             Steps{Client("DELE 1\r\n"), Server("+OK\r\n"), Client("DELE 2\r\n"),
                                   Server("+OK\r\n"), Client("QUIT\r\n"), Server("+OK bye\r\n")},
                         sync::Pop3Mode::kDrain);
  INFO(acct.script_status.ToString());
  REQUIRE(second.ok());
  CHECK(acct.script_status.ok());
  CHECK(second.fetched() == 0);  // downloaded again, but stored once
  CHECK(second.folders[0].expunged == 2);
  CHECK(acct.Rows() == 2);
}

TEST_CASE(
    "a refused message is asked again, recorded with its reason, never deleted, and archived "
    "when the server gives it") {
  ScriptedAccount acct;
  auto r = acct.Run(
      LoggedIn("UIDL\r\nPIPELINING\r\n") +
          Steps{Client("UIDL\r\n"), Server("+OK\r\n1 aaa\r\n2 bbb\r\n.\r\n"),
                // PIPELINING: both RETRs in one write (RFC 2449 §6.6).
                Client("RETR 1\r\nRETR 2\r\n"), Server("-ERR message is corrupt\r\n"),
                Server("+OK\r\n" + kMsg2 + ".\r\n"),
                // Asked once more, alone, after the rest.
                Client("RETR 1\r\n"), Server("-ERR message is corrupt\r\n"), Client("DELE 2\r\n"),
                Server("+OK\r\n"), Client("QUIT\r\n"), Server("+OK\r\n")},
      sync::Pop3Mode::kDrain);
  INFO(acct.script_status.ToString());
  REQUIRE(r.ok());
  CHECK(acct.script_status.ok());
  CHECK(r.fetched() == 1);
  CHECK(r.folders[0].unfetchable == 1);
  CHECK(r.folders[0].expunged == 1);
  // Recorded in the index with the server's words, so status and folders show it.
  auto folders = acct.archive->FoldersWithUnfetchable();
  REQUIRE(folders.ok());
  REQUIRE(folders->size() == 1);
  auto row = acct.archive->index().FindMessage(folders->front(), 0, 1);  // aaa: the first uid
  REQUIRE(row.ok());
  REQUIRE(row->has_value());
  CHECK((*row)->unfetchable_reason.find("message is corrupt") != std::string::npos);
  CHECK((*row)->file_name.empty());

  // A dry run counts it as the real run will: asked for again.
  auto dry =
      acct.Run(LoggedIn("UIDL\r\n") + Steps{Client("LIST\r\n"), Server("+OK\r\n1 25\r\n.\r\n"),
                                            Client("UIDL\r\n"), Server("+OK\r\n1 aaa\r\n.\r\n"),
                                            Client("QUIT\r\n"), Server("+OK\r\n")},
               sync::Pop3Mode::kDrain, /*dry_run=*/true);
  INFO(acct.script_status.ToString());
  REQUIRE(dry.ok());
  CHECK(acct.script_status.ok());
  CHECK(dry.fetched() == 1);
  CHECK(dry.bytes() == 25);

  // Next run: the same UIDL is asked for again, arrives, and only then goes.
  auto again =
      acct.Run(LoggedIn("UIDL\r\n") +
                   Steps{Client("UIDL\r\n"), Server("+OK\r\n1 aaa\r\n.\r\n"), Client("RETR 1\r\n"),
                         Server("+OK\r\n" + kMsg1 + ".\r\n"), Client("DELE 1\r\n"),
                         Server("+OK\r\n"), Client("QUIT\r\n"), Server("+OK\r\n")},
               sync::Pop3Mode::kDrain);
  INFO(acct.script_status.ToString());
  REQUIRE(again.ok());
  CHECK(acct.script_status.ok());
  CHECK(again.fetched() == 1);
  CHECK(again.folders[0].unfetchable == 0);
  CHECK(again.folders[0].expunged == 1);
  CHECK(acct.Rows() == 2);
  folders = acct.archive->FoldersWithUnfetchable();
  REQUIRE(folders.ok());
  CHECK(folders->empty());
}

TEST_CASE("a hostile RETR (endless line) fails the run cleanly: nothing stored, nothing deleted") {
  ScriptedAccount acct;
  auto r =
      acct.Run(LoggedIn("UIDL\r\n") +
                   Steps{Client("UIDL\r\n"), Server("+OK\r\n1 aaa\r\n.\r\n"), Client("RETR 1\r\n"),
                         Server("+OK\r\nSubject: x\r\n" + std::string(5000, 'A')),
                         mailhoard::testing::Eof()},
               sync::Pop3Mode::kDrain);
  CHECK_FALSE(r.ok());
  CHECK(r.folders[0].status.code() == ErrorCode::kProtocol);
  CHECK(r.folders[0].status.message().find("longer than") != std::string::npos);
  CHECK(acct.Rows() == 0);
  CHECK(r.folders[0].expunged == 0);
}

TEST_CASE("a RETR without its terminator stores nothing and deletes nothing") {
  ScriptedAccount acct;
  auto r =
      acct.Run(LoggedIn("UIDL\r\n") + Steps{Client("UIDL\r\n"), Server("+OK\r\n1 aaa\r\n.\r\n"),
                                            Client("RETR 1\r\n"), Server("+OK\r\n" + kMsg1),
                                            mailhoard::testing::Eof()},
               sync::Pop3Mode::kDrain);
  CHECK_FALSE(r.ok());
  CHECK(r.folders[0].status.code() == ErrorCode::kNetwork);
  CHECK(acct.Rows() == 0);
}

}  // namespace
}  // namespace mailhoard::pop3::testing
