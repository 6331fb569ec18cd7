// `push` against the real Dovecot: an account synced from one user is
// pushed into another whose hierarchy delimiter differs ('/' → '.'), and
// the target is compared byte for byte with the source, with flags,
// keywords and INTERNALDATE. Microsoft 365 behaviour comes from the quirk
// proxy (source without SPECIAL-USE, a target without UIDPLUS, a target
// that drops \Flagged from APPEND).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "engine/push/imap_target.h"
#include "engine/push/push_runner.h"
#include "tests/engine/sync/imap_sync_test_util.h"
#include "tests/support/imap_quirk_proxy.h"

namespace mailhoard::push {
namespace {

namespace fs = std::filesystem;
using mailhoard::sync::testing::SyncFixture;
using mailhoard::testing::DovecotServer;
using mailhoard::testing::ImapQuirkProxy;
using mailhoard::testing::QuirkOptions;
using mailhoard::testing::TestUser;

std::string Msg(const std::string& id) {
  return "From: a@example.org\r\nSubject: " + id + "\r\nMessage-ID: <" + id +
         "@test>\r\nDate: Tue, 1 Aug 2023 10:00:00 +0000\r\n\r\nbody of " + id + "\r\n";
}

// (bytes, flags, INTERNALDATE) of every message of a folder, sorted, so two
// folders compare equal when they hold the same messages in any UID order.
std::vector<std::string> Snapshot(DovecotServer& server, const std::string& user,
                                  const std::string& folder) {
  std::map<uint32_t, std::string> dates;
  std::istringstream lines(
      server.Doveadm({"-f", "tab", "fetch", "-u", user, "uid date.received", "mailbox", folder}));
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line)) {
    auto tab = line.find('\t');
    if (tab != std::string::npos) dates[std::stoul(line.substr(0, tab))] = line.substr(tab + 1);
  }
  std::vector<std::string> out;
  for (const auto& m : server.Messages(user, folder)) {
    std::string flags;
    auto sorted = m.flags;
    std::sort(sorted.begin(), sorted.end());
    for (const auto& f : sorted) flags += f + " ";
    out.push_back(m.bytes + "|" + flags + "|" + dates[m.uid]);
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct PushFixture {
  SyncFixture source{DovecotServer::Shared()};
  DovecotServer& server = source.server;
  // The target speaks '.' as its hierarchy delimiter.
  TestUser target = server.CreateUser("userdb_namespace/inbox/separator=.");

  PushOptions Options(uint16_t port = 0) {
    PushOptions o;
    o.target = target.name + "@127.0.0.1";
    imap::ClientOptions client;
    client.endpoint = {server.host(), port ? port : server.imaps_port()};
    client.connect.tls = port ? net::TlsMode::kNone : net::TlsMode::kImplicit;
    client.allow_plaintext_login = port != 0;  // the proxy: loopback only
    client.connect.tls_options.ca_file = server.ca_file();
    client.connect.io_timeout = std::chrono::seconds(20);
    auth::Credentials creds;
    creds.user = target.name;
    std::string password = target.password;
    creds.secret = [password]() -> Result<std::string> { return password; };
    o.connect = [client, creds]() -> Result<std::unique_ptr<TargetStore>> {
      MH_ASSIGN_OR_RETURN(auto t, ImapTarget::Connect(client, creds));
      return std::unique_ptr<TargetStore>(std::move(t));
    };
    o.retry.backoff = std::chrono::milliseconds(10);
    return o;
  }

  PushResult Push(const PushOptions& o) {
    auto archive = source.OpenArchive();
    return PushArchive(*archive, o);
  }
  PushResult Push() { return Push(Options()); }

  void Sync() {
    auto r = source.Run();
    INFO(r.status.ToString());
    REQUIRE(r.ok());
  }

  // Every source folder's messages are in its target folder, byte for byte.
  void ExpectSame(const std::map<std::string, std::string>& folders) {
    for (const auto& [from, to] : folders) {
      INFO(from << " -> " << to);
      CHECK(Snapshot(server, target.name, to) == Snapshot(server, source.user.name, from));
    }
  }
};

TEST_CASE("Push copies every folder byte for byte, mapping roles and delimiters", "[integration]") {
  PushFixture fx;
  auto& s = fx.server;
  const std::string& src = fx.source.user.name;
  for (const char* f :
       {"Sent Items", "Deleted Items", "Junk Email", "Projects", "Projects/2024", "Café"}) {
    s.CreateFolder(src, f);
  }
  s.Deliver(src, "INBOX", Msg("i1"), {"\\Seen", "$Forwarded"});
  s.Deliver(src, "INBOX", Msg("i2"), {"\\Flagged", "\\Answered"});
  s.Deliver(src, "INBOX", Msg("i3"));
  s.Deliver(src, "Sent Items", Msg("s1"), {"\\Seen"});
  s.Deliver(src, "Deleted Items", Msg("d1"), {"\\Seen"});
  s.Deliver(src, "Junk Email", Msg("j1"));
  s.Deliver(src, "Projects/2024", Msg("p1"), {"custom_kw"});
  s.Deliver(src, "Café", Msg("c1"));
  // The target already has its special-use folders, under its own names.
  s.CreateFolder(fx.target.name, "Sent");
  s.CreateFolder(fx.target.name, "Trash");
  fx.Sync();

  PushResult r = fx.Push();
  INFO(r.status.ToString());
  REQUIRE(r.status.ok());
  CHECK(r.failed_folders() == 0);
  CHECK(r.appended() == 8);
  fx.ExpectSame({{"INBOX", "INBOX"},
                 {"Sent Items", "Sent"},
                 {"Deleted Items", "Trash"},
                 {"Junk Email", "Junk"},
                 {"Projects/2024", "Projects.2024"},
                 {"Café", "Café"}});
  auto folders = s.Folders(fx.target.name);
  CHECK(std::find(folders.begin(), folders.end(), "Sent Items") == folders.end());
  CHECK(std::find(folders.begin(), folders.end(), "Projects.2024") != folders.end());

  SECTION("a second push appends nothing; new mail and flag changes follow") {
    PushResult again = fx.Push();
    REQUIRE(again.status.ok());
    CHECK(again.appended() == 0);
    s.Deliver(src, "INBOX", Msg("i4"));
    s.SetFlags(src, "INBOX", 3, {"\\Seen", "\\Flagged"});
    s.SetFlags(src, "INBOX", 1, {});
    fx.Sync();
    PushResult delta = fx.Push();
    REQUIRE(delta.status.ok());
    CHECK(delta.appended() == 1);
    fx.ExpectSame({{"INBOX", "INBOX"}});
  }
  SECTION("records lost before their commit: found on the target, nothing appended twice") {
    {
      auto archive = fx.source.OpenArchive();
      auto& index = archive->index();
      auto pfs = index.ListPushFolders(fx.Options().target);
      REQUIRE(pfs.ok());
      for (const auto& pf : *pfs) {
        auto pushed = index.ListPushed(pf.id);
        REQUIRE(pushed.ok());
        for (const auto& p : *pushed) REQUIRE(index.ForgetPushed(pf.id, p.message_id).ok());
        REQUIRE(index.UpdatePushFolder(pf.id, 0, 0, 1).ok());
      }
    }
    PushResult again = fx.Push();
    REQUIRE(again.status.ok());
    CHECK(again.appended() == 0);
    uint64_t matched = 0;
    for (const auto& f : again.folders) matched += f.matched;
    CHECK(matched == 8);
    fx.ExpectSame({{"INBOX", "INBOX"}, {"Sent Items", "Sent"}});
  }
  SECTION("a target folder recreated (new UIDVALIDITY) is filled again, once") {
    s.DeleteFolder(fx.target.name, "Junk");
    PushResult again = fx.Push();
    REQUIRE(again.status.ok());
    CHECK(again.appended() == 1);
    fx.ExpectSame({{"Junk Email", "Junk"}, {"INBOX", "INBOX"}});
  }
  SECTION("verify finds a message changed on the target") {
    auto o = fx.Options();
    o.verify = true;
    PushResult clean = fx.Push(o);
    REQUIRE(clean.status.ok());
    CHECK(clean.verify_ok());
    // Same size, other bytes, behind Dovecot's back.
    std::string dir = s.Doveadm({"mailbox", "path", "-u", fx.target.name, "INBOX"});
    dir.erase(dir.find_last_not_of('\n') + 1);
    bool changed = false;
    for (const auto& e : fs::directory_iterator(dir + "/cur")) {
      std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
      std::stringstream ss;
      ss << f.rdbuf();
      std::string text = ss.str();
      auto at = text.find("body of i2");
      if (at == std::string::npos) continue;
      f.seekp(static_cast<std::streamoff>(at));
      f << "BODY";
      changed = true;
    }
    REQUIRE(changed);
    PushResult checked = fx.Push(o);
    REQUIRE(checked.status.ok());
    CHECK_FALSE(checked.verify_ok());
    uint64_t differ = 0;
    for (const auto& f : checked.folders) differ += f.verify.differ;
    CHECK(differ == 1);
  }
}

TEST_CASE("A Microsoft 365 source (no SPECIAL-USE) lands in the target's special-use folders",
          "[integration]") {
  PushFixture fx;
  auto& s = fx.server;
  const std::string& src = fx.source.user.name;
  for (const char* f : {"Sent Items", "Deleted Items"}) s.CreateFolder(src, f);
  s.Deliver(src, "Sent Items", Msg("s1"));
  s.Deliver(src, "Deleted Items", Msg("d1"));
  s.CreateFolder(fx.target.name, "Sent");
  s.CreateFolder(fx.target.name, "Trash");
  ImapQuirkProxy proxy(s.imap_port(), QuirkOptions{});
  auto o = fx.source.Options(proxy.port());
  o.client.connect.tls = net::TlsMode::kNone;
  o.client.allow_plaintext_login = true;
  {
    auto archive = fx.source.OpenArchive();
    REQUIRE(sync::SyncImapAccount(*archive, o).ok());
  }
  // The source listed no special-use, as Exchange without SPECIAL-USE.
  PushResult r = fx.Push();
  REQUIRE(r.status.ok());
  fx.ExpectSame({{"Sent Items", "Sent"}, {"Deleted Items", "Trash"}});
}

TEST_CASE("A target without UIDPLUS gets no duplicates, even when records were lost",
          "[integration]") {
  PushFixture fx;
  auto& s = fx.server;
  for (int i = 0; i < 5; ++i) s.Deliver(fx.source.user.name, "INBOX", Msg("n" + std::to_string(i)));
  fx.Sync();
  QuirkOptions q;
  q.no_uidplus = true;
  ImapQuirkProxy proxy(s.imap_port(), q);
  REQUIRE(fx.Push(fx.Options(proxy.port())).status.ok());
  PushResult again = fx.Push(fx.Options(proxy.port()));
  REQUIRE(again.status.ok());
  CHECK(again.appended() == 0);
  CHECK(again.folders[0].matched == 5);  // their UIDs learnt now
  PushResult third = fx.Push(fx.Options(proxy.port()));
  CHECK(third.appended() == 0);
  CHECK(third.folders[0].matched == 0);
  fx.ExpectSame({{"INBOX", "INBOX"}});
}

TEST_CASE("Exchange drops the Flagged flag from APPEND, it is set afterwards", "[integration]") {
  PushFixture fx;
  fx.server.Deliver(fx.source.user.name, "INBOX", Msg("f1"), {"\\Flagged", "\\Seen"});
  fx.Sync();
  QuirkOptions q;
  q.drop_flagged_in_append = true;
  ImapQuirkProxy proxy(fx.server.imap_port(), q);
  auto o = fx.Options(proxy.port());
  o.flag_after_append = true;
  REQUIRE(fx.Push(o).status.ok());
  auto messages = fx.server.Messages(fx.target.name, "INBOX");
  REQUIRE(messages.size() == 1);
  auto flags = messages[0].flags;
  std::sort(flags.begin(), flags.end());
  CHECK(flags == std::vector<std::string>{"\\Flagged", "\\Seen"});
}

TEST_CASE(
    "A throttled target (NO and BYE with a backoff hint) is waited out and the push completes",
    "[integration]") {
  PushFixture fx;
  for (int i = 0; i < 30; ++i) {
    fx.server.Deliver(fx.source.user.name, "INBOX", Msg("t" + std::to_string(i)));
  }
  fx.Sync();
  QuirkOptions q;
  q.strip_extensions = false;
  q.throttle_after_commands = 12;  // mid-push, on the first connection
  q.throttle_with_no = true;
  q.backoff_ms = 200;
  ImapQuirkProxy proxy(fx.server.imap_port(), q);
  PushResult r = fx.Push(fx.Options(proxy.port()));
  INFO(r.status.ToString());
  REQUIRE(r.status.ok());
  CHECK(proxy.throttled() == 1);
  CHECK(r.folders[0].attempts >= 2);
  fx.ExpectSame({{"INBOX", "INBOX"}});
}

}  // namespace
}  // namespace mailhoard::push
