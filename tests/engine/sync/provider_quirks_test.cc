// Microsoft 365's behaviour, reproduced in front of the real Dovecot by a
// quirk proxy: no CONDSTORE/QRESYNC/ESEARCH/LIST-STATUS/COMPRESS, a BAD for
// one broken message, placeholder messages, throttling.
#include <catch2/catch.hpp>
#include <chrono>

#include "tests/engine/sync/imap_sync_test_util.h"
#include "tests/support/imap_quirk_proxy.h"

namespace mailhoard::sync::testing {
namespace {

using mailhoard::testing::DovecotServer;
using mailhoard::testing::ImapQuirkProxy;
using mailhoard::testing::QuirkOptions;

std::string Msg(const std::string& id, const std::string& subject = "") {
  return "From: a@example.org\r\nSubject: " + (subject.empty() ? id : subject) +
         "\r\nMessage-ID: <" + id + "@test>\r\n\r\nbody of " + id + "\r\n";
}

ImapSyncOptions ViaProxy(SyncFixture& fx, const ImapQuirkProxy& proxy) {
  ImapSyncOptions o = fx.Options(proxy.port());
  o.client.connect.tls = net::TlsMode::kNone;
  o.client.allow_plaintext_login = true;  // loopback test only
  o.connections = 1;
  return o;
}

SyncResult RunVia(SyncFixture& fx, const ImapSyncOptions& o) {
  auto archive = fx.OpenArchive();
  return SyncImapAccount(*archive, o);
}

TEST_CASE("Without CONDSTORE, flags and expunges come from one FLAGS listing", "[integration]") {
  SyncFixture fx(DovecotServer::Shared());
  for (int i = 0; i < 6; ++i)
    fx.server.Deliver(fx.user.name, "INBOX", Msg("m" + std::to_string(i)));
  ImapQuirkProxy proxy(fx.server.imap_port(), QuirkOptions{});
  REQUIRE(RunVia(fx, ViaProxy(fx, proxy)).ok());
  fx.server.SetFlags(fx.user.name, "INBOX", 2, {"\\Seen", "\\Answered"});
  fx.server.Expunge(fx.user.name, "INBOX", 4);
  fx.server.Deliver(fx.user.name, "INBOX", Msg("m6"));
  fx.trace.sent.clear();
  SyncResult r = RunVia(fx, ViaProxy(fx, proxy));
  INFO(r.status.ToString());
  REQUIRE(r.ok());
  CHECK(r.fetched() == 1);
  CHECK(fx.CompareWithServer() == "");
  CHECK(fx.trace.CountSent("ENABLE") == 0);
  CHECK(fx.trace.CountSent("COMPRESS") == 0);
  // Without LIST-STATUS: the LIST sent with the login on speculation is
  // refused, then STATUS per folder, pipelined.
  CHECK(fx.trace.CountSent("STATUS") >= 1);
  bool listed_flags = false;
  for (const auto& line : fx.trace.sent) {
    if (line.find("UID FETCH 1:") != std::string::npos &&
        line.find("(UID FLAGS)") != std::string::npos) {
      listed_flags = true;
    }
    CHECK(line.find("CHANGEDSINCE") == std::string::npos);
  }
  CHECK(listed_flags);
}

TEST_CASE("A BAD for one message fails that message, not the folder", "[integration]") {
  SyncFixture fx(DovecotServer::Shared());
  for (int i = 1; i <= 5; ++i)
    fx.server.Deliver(fx.user.name, "INBOX", Msg("b" + std::to_string(i)));
  QuirkOptions quirks;
  quirks.bad_uids = {3};
  ImapQuirkProxy proxy(fx.server.imap_port(), quirks);
  SyncResult r = RunVia(fx, ViaProxy(fx, proxy));
  INFO(r.status.ToString());
  REQUIRE(r.ok());
  REQUIRE(r.folders.size() >= 1);
  CHECK(r.fetched() == 4);
  CHECK(r.folders[0].unfetchable == 1);
  CHECK(proxy.bad_answers() >= 2);  // the range, then the message alone
  // Once the server can deliver it, the next run fetches it.
  ImapQuirkProxy healed(fx.server.imap_port(), QuirkOptions{});
  SyncResult again = RunVia(fx, ViaProxy(fx, healed));
  REQUIRE(again.ok());
  CHECK(again.fetched() == 1);
  CHECK(fx.CompareWithServer() == "");
}

TEST_CASE("An Exchange placeholder is recorded as unfetchable, not archived", "[integration]") {
  SyncFixture fx(DovecotServer::Shared());
  fx.server.Deliver(fx.user.name, "INBOX", Msg("ok1"));
  fx.server.Deliver(
      fx.user.name, "INBOX",
      Msg("ph", "Retrieval using the IMAP4 protocol failed for the following message: 2"));
  SyncResult r = fx.Run();
  REQUIRE(r.ok());
  CHECK(r.fetched() == 1);
  REQUIRE(r.folders.size() >= 1);
  CHECK(r.folders[0].unfetchable == 1);
  auto archive = fx.OpenArchive();
  auto inbox = archive->index().FindFolderByRemoteName("INBOX");
  auto row = archive->index().FindMessage((*inbox)->id, (*inbox)->uidvalidity, 2);
  REQUIRE(row.ok());
  REQUIRE(row->has_value());
  CHECK((*row)->file_name.empty());
  CHECK_FALSE((*row)->unfetchable_reason.empty());
}

TEST_CASE("A throttling BYE is obeyed: back off the suggested time, then resume", "[integration]") {
  SyncFixture fx(DovecotServer::Shared());
  fx.server.CreateFolder(fx.user.name, "A");
  fx.server.CreateFolder(fx.user.name, "B");
  for (int i = 0; i < 3; ++i) {
    fx.server.Deliver(fx.user.name, "A", Msg("a" + std::to_string(i)));
    fx.server.Deliver(fx.user.name, "B", Msg("b" + std::to_string(i)));
  }
  QuirkOptions quirks;
  quirks.throttle_after_commands = 6;
  quirks.backoff_ms = 321;
  ImapQuirkProxy proxy(fx.server.imap_port(), quirks);
  ImapSyncOptions o = ViaProxy(fx, proxy);
  std::vector<std::chrono::milliseconds> slept;
  o.sleep = [&](std::chrono::milliseconds d) { slept.push_back(d); };
  SyncResult r = RunVia(fx, o);
  INFO(r.status.ToString());
  REQUIRE(r.ok());
  CHECK(proxy.throttled() == 1);
  REQUIRE(slept.size() == 1);
  CHECK(slept[0] == std::chrono::milliseconds(321));
  CHECK(fx.CompareWithServer() == "");
}

}  // namespace
}  // namespace mailhoard::sync::testing
