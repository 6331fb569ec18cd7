// Microsoft 365's behaviour, reproduced in front of the real Dovecot by a
// quirk proxy: no CONDSTORE/QRESYNC/ESEARCH/LIST-STATUS/COMPRESS, a BAD for
// one broken message, placeholder messages, throttling.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <set>

#include "tests/core/fake_clock.h"
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
  mailhoard::testing::FakeClock clock;
  o.clock = &clock;
  std::vector<std::chrono::milliseconds> pauses;
  o.on_progress = [&](const ProgressEvent& e) {
    if (e.paused.count() > 0) pauses.push_back(e.paused);
  };
  SyncResult r = RunVia(fx, o);
  INFO(r.status.ToString());
  REQUIRE(r.ok());
  CHECK(proxy.throttled() == 1);
  CHECK(clock.TotalSlept() == std::chrono::milliseconds(321));
  CHECK(pauses == std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(321)});
  CHECK(fx.CompareWithServer() == "");
}

// The row of `uid` in INBOX: its unfetchable reason ("" when archived).
std::string UnfetchableReason(SyncFixture& fx, uint32_t uid) {
  auto archive = fx.OpenArchive();
  auto inbox = archive->index().FindFolderByRemoteName("INBOX");
  if (!inbox.ok() || !inbox->has_value()) return "<no INBOX>";
  auto row = archive->index().FindMessage((*inbox)->id, (*inbox)->uidvalidity, uid);
  if (!row.ok() || !row->has_value()) return "<no row>";
  return (*row)->unfetchable_reason;
}

bool AskedFor(const ImapQuirkProxy& proxy, uint32_t uid) {
  const std::string one = " " + std::to_string(uid) + " (";
  for (const auto& e : proxy.events()) {
    if (e.kind == mailhoard::testing::ProxyEvent::kCommand &&
        e.line.find("UID FETCH" + one) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST_CASE("Messages left out of a FETCH range once arrive in the same run", "[integration]") {
  SyncFixture fx(DovecotServer::Shared());
  for (int i = 1; i <= 30; ++i)
    fx.server.Deliver(fx.user.name, "INBOX", Msg("g" + std::to_string(i)));
  QuirkOptions quirks;
  quirks.omit_uids = {4, 17, 30};
  ImapQuirkProxy proxy(fx.server.imap_port(), quirks);
  SyncResult r = RunVia(fx, ViaProxy(fx, proxy));
  INFO(r.status.ToString());
  REQUIRE(r.ok());
  CHECK(proxy.omitted() == 3);
  CHECK(r.fetched() == 30);
  REQUIRE(r.folders.size() >= 1);
  CHECK(r.folders[0].unfetchable == 0);
  CHECK(fx.CompareWithServer() == "");
}

TEST_CASE("A message never delivered is recorded, reported and asked for on every run",
          "[integration]") {
  SyncFixture fx(DovecotServer::Shared());
  for (int i = 1; i <= 10; ++i)
    fx.server.Deliver(fx.user.name, "INBOX", Msg("f" + std::to_string(i)));
  QuirkOptions quirks;
  quirks.omit_uids = {5};
  quirks.omit_forever = true;
  {
    ImapQuirkProxy proxy(fx.server.imap_port(), quirks);
    SyncResult r = RunVia(fx, ViaProxy(fx, proxy));
    INFO(r.status.ToString());
    REQUIRE(r.ok());
    CHECK(r.fetched() == 9);
    REQUIRE(r.folders.size() >= 1);
    CHECK(r.folders[0].unfetchable == 1);
    CHECK(AskedFor(proxy, 5));  // once alone, after the range
    CHECK(UnfetchableReason(fx, 5) == "no FETCH response");
  }
  {
    // Still missing: asked for again, and reported again.
    ImapQuirkProxy proxy(fx.server.imap_port(), quirks);
    SyncResult r = RunVia(fx, ViaProxy(fx, proxy));
    REQUIRE(r.ok());
    CHECK(r.fetched() == 0);
    REQUIRE(r.folders.size() >= 1);
    CHECK(r.folders[0].unfetchable == 1);
    CHECK(AskedFor(proxy, 5));
  }
  ImapQuirkProxy healed(fx.server.imap_port(), QuirkOptions{});
  SyncResult r = RunVia(fx, ViaProxy(fx, healed));
  REQUIRE(r.ok());
  CHECK(r.fetched() == 1);
  CHECK(UnfetchableReason(fx, 5) == "");
  CHECK(fx.CompareWithServer() == "");
}

TEST_CASE("A session lost after a range left a message out resumes without skipping it",
          "[integration]") {
  SyncFixture fx(DovecotServer::Shared());
  for (int i = 1; i <= 10; ++i)
    fx.server.Deliver(fx.user.name, "INBOX", Msg("c" + std::to_string(i)));
  QuirkOptions quirks;
  quirks.omit_uids = {5};
  // The BYE follows the last body of the range, before its tagged OK: the
  // stored messages reach UID 10 while 5 was never seen.
  quirks.expire_after_bodies = 9;
  ImapQuirkProxy proxy(fx.server.imap_port(), quirks);
  SyncResult r = RunVia(fx, ViaProxy(fx, proxy));
  INFO(r.status.ToString());
  REQUIRE(r.ok());
  CHECK(proxy.expired() == 1);
  CHECK(r.fetched() == 10);
  CHECK(fx.CompareWithServer() == "");
}

TEST_CASE("A throttle on one connection pauses every connection of the account", "[integration]") {
  SyncFixture fx(DovecotServer::Shared());
  for (int f = 0; f < 9; ++f) {
    const std::string folder = "T" + std::to_string(f);
    fx.server.CreateFolder(fx.user.name, folder);
    for (int i = 0; i < 6; ++i)
      fx.server.Deliver(fx.user.name, folder, Msg(folder + "m" + std::to_string(i)));
  }
  QuirkOptions quirks;
  quirks.throttle_connection = 1;  // a worker's, not the listing one
  quirks.throttle_after_commands = 6;
  quirks.throttle_with_no = true;
  quirks.backoff_ms = 1200;
  ImapQuirkProxy proxy(fx.server.imap_port(), quirks);
  ImapSyncOptions o = ViaProxy(fx, proxy);
  o.connections = 3;
  SyncResult r = RunVia(fx, o);
  INFO(r.status.ToString());
  REQUIRE(r.ok());
  REQUIRE(proxy.throttled() == 1);
  CHECK(fx.CompareWithServer() == "");
  auto events = proxy.events();
  std::chrono::steady_clock::time_point at{};
  for (const auto& e : events) {
    if (e.kind == mailhoard::testing::ProxyEvent::kThrottled) at = e.at;
  }
  // What was on its way before the client read the BYE may still land in
  // the first moments of the window; nothing may start after that.
  const auto grace = std::chrono::milliseconds(150);
  const auto window = std::chrono::milliseconds(quirks.backoff_ms);
  int inside = 0, after = 0;
  std::set<int> connections;
  for (const auto& e : events) {
    connections.insert(e.connection);
    if (e.kind != mailhoard::testing::ProxyEvent::kCommand &&
        e.kind != mailhoard::testing::ProxyEvent::kConnect) {
      continue;
    }
    if (e.at > at + grace && e.at < at + window) {
      ++inside;
      UNSCOPED_INFO(
          "connection " << e.connection << " at +"
                        << std::chrono::duration_cast<std::chrono::milliseconds>(e.at - at).count()
                        << " ms: " << e.line);
    }
    if (e.at >= at + window) ++after;
  }
  CHECK(connections.size() >= 3);
  CHECK(inside == 0);
  CHECK(after > 0);  // and then it went on
}

TEST_CASE("Sessions ended for an expired token are reopened with a fresh one, many times",
          "[integration]") {
  const bool with_no = GENERATE(false, true);
  SyncFixture fx(DovecotServer::Shared());
  // Two folders, so that a NO (which hits only the next command) has a
  // next command: the second folder's EXAMINE.
  fx.server.CreateFolder(fx.user.name, "Later");
  for (int i = 1; i <= 40; ++i)
    fx.server.Deliver(fx.user.name, i <= 20 ? "INBOX" : "Later", Msg("x" + std::to_string(i)));
  QuirkOptions quirks;
  quirks.expire_after_bodies = 6;
  quirks.expire_sessions = 5;  // more than a folder's attempts
  quirks.expire_with_no = with_no;
  ImapQuirkProxy proxy(fx.server.imap_port(), quirks);
  ImapSyncOptions o = ViaProxy(fx, proxy);
  std::atomic<int> refreshed{0};
  std::string password = fx.user.password;
  o.credentials.refresh = [&refreshed, password]() -> Result<std::string> {
    ++refreshed;
    return password;
  };
  SyncResult r = RunVia(fx, o);
  INFO(r.status.ToString());
  INFO((r.folders.empty() ? std::string() : r.folders[0].status.ToString()));
  REQUIRE(r.ok());
  // A BYE cuts the running FETCH; a NO hits only the next command, so each
  // folder's range of new mail sees one expiry, and the last one, with no
  // command after it, needs no fresh session.
  CHECK(proxy.expired() == (with_no ? 2 : 5));
  CHECK(refreshed.load() == (with_no ? 1 : 5));
  CHECK(r.fetched() == 40);
  CHECK(fx.CompareWithServer() == "");
}

}  // namespace
}  // namespace mailhoard::sync::testing
