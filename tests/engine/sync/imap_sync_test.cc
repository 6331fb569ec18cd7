// IMAP sync against the real Dovecot, each test comparing the archive with
// the server byte for byte.
#include "engine/sync/imap_sync.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "tests/engine/sync/imap_sync_test_util.h"
#include "tests/support/corpus.h"
#include "tests/support/tcp_proxy.h"

namespace mailhoard::sync::testing {
namespace {

using mailhoard::testing::CorpusOptions;
using mailhoard::testing::DovecotServer;

std::string Msg(const std::string& id, size_t body_lines = 3) {
  std::string m =
      "From: a@example.org\r\nSubject: " + id + "\r\nMessage-ID: <" + id + "@test>\r\n\r\n";
  for (size_t i = 0; i < body_lines; ++i) m += "line " + std::to_string(i) + " of " + id + "\r\n";
  return m;
}

void Seed(SyncFixture& fx, size_t messages, uint64_t seed = 7) {
  CorpusOptions corpus;
  corpus.seed = seed;
  corpus.messages = messages;
  corpus.big_fraction = 0.03;
  corpus.big_min = corpus.big_max = 1 << 20;
  mailhoard::testing::LoadCorpus(fx.server, fx.user.name, corpus);
}

TEST_CASE("Initial sync archives every folder byte for byte", "[integration]") {
  SyncFixture fx(DovecotServer::Shared());
  Seed(fx, 80);
  SyncResult r = fx.Run();
  INFO(r.status.ToString());
  REQUIRE(r.ok());
  CHECK(r.fetched() == 80);
  CHECK(fx.CompareWithServer() == "");
  // Archiving never changes the server: nothing was marked \Seen by us.
  CHECK(fx.trace.CountSent("SELECT") == 0);
  CHECK(fx.trace.CountSent("STORE") == 0);
}

TEST_CASE("A no-op run opens no folder", "[integration]") {
  SyncFixture fx(DovecotServer::Shared());
  Seed(fx, 30);
  REQUIRE(fx.Run().ok());
  size_t examined = fx.trace.CountSent("EXAMINE");
  CHECK(examined > 0);
  SyncResult again = fx.Run();
  REQUIRE(again.ok());
  CHECK(again.fetched() == 0);
  CHECK(again.folders.empty());
  CHECK(again.folders_skipped == again.folders_listed);
  CHECK(fx.trace.CountSent("EXAMINE") == examined);
}

TEST_CASE("Incremental runs pick up new mail, flag changes and expunges", "[integration]") {
  SyncFixture fx(DovecotServer::Shared());
  auto& s = fx.server;
  s.CreateFolder(fx.user.name, "Archive/2024");
  s.CreateFolder(fx.user.name, "Entwürfe");
  for (int i = 0; i < 5; ++i) s.Deliver(fx.user.name, "INBOX", Msg("in" + std::to_string(i)));
  s.Deliver(fx.user.name, "Archive/2024", Msg("a0"));
  REQUIRE(fx.Run().ok());
  REQUIRE(fx.CompareWithServer() == "");

  s.Deliver(fx.user.name, "INBOX", Msg("in5"));
  s.Deliver(fx.user.name, "Entwürfe", Msg("draft"), {"\\Draft"});
  s.SetFlags(fx.user.name, "INBOX", 1, {"\\Seen", "\\Flagged", "$Forwarded"});
  s.Expunge(fx.user.name, "INBOX", 2);
  SyncResult r = fx.Run();
  REQUIRE(r.ok());
  CHECK(r.fetched() == 2);
  CHECK(fx.CompareWithServer() == "");
  // Archive policy: the expunged message stays, marked.
  auto archive = fx.OpenArchive();
  auto inbox = archive->index().FindFolderByRemoteName("INBOX");
  REQUIRE(inbox.ok());
  auto row = archive->index().FindMessage((*inbox)->id, (*inbox)->uidvalidity, 2);
  REQUIRE(row.ok());
  REQUIRE(row->has_value());
  CHECK((*row)->expunged_at.has_value());
}

TEST_CASE("Mirror policy removes what the server expunged", "[integration]") {
  SyncFixture fx(DovecotServer::Shared());
  for (int i = 0; i < 3; ++i)
    fx.server.Deliver(fx.user.name, "INBOX", Msg("m" + std::to_string(i)));
  REQUIRE(fx.Run(Policy::kMirror).ok());
  fx.server.Expunge(fx.user.name, "INBOX", 2);
  REQUIRE(fx.Run(Policy::kMirror).ok());
  auto archive = fx.OpenArchive();
  auto inbox = archive->index().FindFolderByRemoteName("INBOX");
  auto uids = archive->index().ListUids((*inbox)->id, (*inbox)->uidvalidity);
  REQUIRE(uids.ok());
  REQUIRE(uids->size() == 2);
  CHECK((*uids)[1].uid == 3);
  CHECK(fx.CompareWithServer() == "");
}

TEST_CASE("Folders created, renamed and deleted on the server", "[integration]") {
  SyncFixture fx(DovecotServer::Shared());
  auto& s = fx.server;
  s.CreateFolder(fx.user.name, "Projects");
  s.Deliver(fx.user.name, "Projects", Msg("p1"));
  REQUIRE(fx.Run().ok());
  s.RenameFolder(fx.user.name, "Projects", "Projekte");
  s.CreateFolder(fx.user.name, "Receipts & Bills");
  s.Deliver(fx.user.name, "Receipts & Bills", Msg("r1"));
  REQUIRE(fx.Run().ok());
  CHECK(fx.CompareWithServer() == "");
  auto archive = fx.OpenArchive();
  auto old = archive->index().FindFolderByRemoteName("Projects");
  REQUIRE(old.ok());
  REQUIRE(old->has_value());
  CHECK((*old)->state == index::FolderState::kGoneOnServer);
  // The old folder's messages stay archived.
  auto uids = archive->index().ListUids((*old)->id, (*old)->uidvalidity);
  REQUIRE(uids.ok());
  CHECK(uids->size() == 1);
}

TEST_CASE("A UIDVALIDITY change is re-mapped without downloading again", "[integration]") {
  SyncFixture fx(DovecotServer::Shared());
  auto& s = fx.server;
  for (int i = 0; i < 4; ++i) s.Deliver(fx.user.name, "INBOX", Msg("v" + std::to_string(i), 200));
  REQUIRE(fx.Run().ok());
  // A new UIDVALIDITY, as a server restore or migration gives: every UID we
  // know is void, though the messages are the same.
  s.Doveadm({"mailbox", "update", "-u", fx.user.name, "--uid-validity", "12345", "INBOX"});
  s.Deliver(fx.user.name, "INBOX", Msg("after"));
  fx.trace.sent.clear();
  SyncResult r = fx.Run();
  INFO(r.status.ToString());
  REQUIRE(r.ok());
  REQUIRE(r.folders.size() >= 1);
  const FolderResult* inbox = nullptr;
  for (const auto& f : r.folders) {
    if (f.name == "INBOX") inbox = &f;
  }
  REQUIRE(inbox);
  CHECK(inbox->action == FolderAction::kUidValidityChanged);
  CHECK(inbox->remapped == 4);
  CHECK(inbox->fetched == 1);  // only the new message
  CHECK(fx.CompareWithServer() == "");
}

TEST_CASE("A connection cut mid-message recovers within the same run", "[integration]") {
  SyncFixture fx(DovecotServer::Shared());
  for (int i = 0; i < 10; ++i) {
    fx.server.Deliver(fx.user.name, "INBOX", Msg("c" + std::to_string(i), 20000));
  }
  mailhoard::testing::ProxyOptions cut;
  cut.cut_after_bytes = 700000;  // a few messages in, mid-literal
  cut.cut_connections = 1;
  mailhoard::testing::TcpProxy proxy(fx.server.imaps_port(), cut);
  auto archive = fx.OpenArchive();
  ImapSyncOptions o = fx.Options(proxy.port());
  o.connections = 1;
  o.client.compress = imap::Compression::kNever;  // so the cut lands where the byte count says
  SyncResult r = SyncImapAccount(*archive, o);
  INFO(r.status.ToString());
  REQUIRE(r.ok());
  CHECK(proxy.cuts() == 1);
  archive.reset();
  CHECK(fx.CompareWithServer() == "");
}

}  // namespace
}  // namespace mailhoard::sync::testing
