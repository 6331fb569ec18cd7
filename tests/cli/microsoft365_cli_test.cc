// What a Microsoft 365 user sees through the real binary, with the real
// Dovecot behind the quirk proxy: a message Exchange will not deliver makes
// the run exit 1 with one line saying so, `folders` and `status` show it,
// and the next run asks again; the preset's non-mail folders are listed as
// excluded and never archived.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_harness.h"
#include "tests/support/imap_quirk_proxy.h"

namespace mailhoard::cli {
namespace {

using mailhoard::testing::CommandResult;
using mailhoard::testing::DovecotServer;
using mailhoard::testing::ImapQuirkProxy;
using mailhoard::testing::QuirkOptions;
using testing::CliHarness;

std::string Message(const std::string& id) {
  return "From: a@example.org\r\nSubject: " + id + "\r\nMessage-ID: <" + id +
         "@example.org>\r\n\r\nbody of " + id + "\r\n";
}

// The account "t" through the (plaintext, loopback) proxy.
void PointAtProxy(CliHarness& h, uint16_t port, const std::string& extra = "") {
  h.WriteConfig(port, extra);
  std::string text = testing::ReadFileOrEmpty(h.config());
  const std::string tls = "tls = \"starttls\"\n";
  text.replace(text.find(tls), tls.size(), "tls = \"none\"\nallow_plaintext = true\n");
  testing::WriteFile(h.config(), text);
}

TEST_CASE("A message the server will not deliver: exit 1, one line, shown, asked again",
          "[integration]") {
  CliHarness h(DovecotServer::Shared());
  for (int i = 1; i <= 5; ++i)
    h.server().Deliver(h.user().name, "INBOX", Message("u" + std::to_string(i)));
  QuirkOptions quirks;
  quirks.omit_uids = {3};
  quirks.omit_forever = true;
  ImapQuirkProxy proxy(h.server().imap_port(), quirks);
  PointAtProxy(h, proxy.port());

  CommandResult sync = h.Run({"sync"});
  INFO(sync.out << sync.err);
  CHECK(sync.exit_code == 1);
  CHECK(sync.err.find("t: 1 message in INBOX could not be fetched; they will be tried again") !=
        std::string::npos);
  CommandResult json = h.Run({"--json", "sync"});
  CHECK(json.exit_code == 1);
  auto j = nlohmann::json::parse(json.out);
  CHECK(j["exit_code"] == 1);
  CHECK(j["accounts"][0]["unfetchable"] == 1);

  CommandResult folders = h.Run({"folders", "t"});
  CHECK(folders.exit_code == 0);
  CHECK(folders.out.find("1 message not yet archived (the server would not deliver it: no FETCH "
                         "response)") != std::string::npos);
  CommandResult status = h.Run({"status", "t"});
  CHECK(status.out.find("1 unfetchable") != std::string::npos);

  // The server relents: the next run fetches it and succeeds.
  h.WriteConfig(0);
  CommandResult healed = h.Run({"sync"});
  INFO(healed.err);
  CHECK(healed.exit_code == 0);
  CHECK(healed.out.rfind("t: 1 new message", 0) == 0);
  CHECK(h.CompareWithServer() == "");
}

TEST_CASE("The microsoft365 preset lists Exchange's non-mail folders as excluded",
          "[integration]") {
  CliHarness h(DovecotServer::Shared());
  const std::string& u = h.user().name;
  h.server().Deliver(u, "INBOX", Message("m1"));
  int item = 0;
  for (const char* f : {"Calendar", "Contacts", "Outbox", "Sync Issues", "Sync Issues/Conflicts"}) {
    h.server().CreateFolder(u, f);
    h.server().Deliver(u, f, Message("item" + std::to_string(++item)));
  }
  h.server().CreateFolder(u, "Notes from meetings");
  h.server().Deliver(u, "Notes from meetings", Message("n1"));
  ImapQuirkProxy proxy(h.server().imap_port(), QuirkOptions{});
  PointAtProxy(h, proxy.port(), "provider = \"microsoft365\"\nauth = \"plain\"\n");

  CommandResult folders = h.Run({"folders", "t"});
  INFO(folders.out << folders.err);
  REQUIRE(folders.exit_code == 0);
  CHECK(folders.out.find("excluded by the microsoft365 preset") != std::string::npos);
  auto j = nlohmann::json::parse(h.Run({"--json", "folders", "t"}).out)["accounts"][0];
  std::map<std::string, std::string> why;
  for (const auto& f : j["folders"]) {
    why[f["name"]] = f["excluded_by"].is_null() ? "" : f["excluded_by"].get<std::string>();
  }
  CHECK(why["Calendar"] == "preset");
  CHECK(why["Sync Issues/Conflicts"] == "preset");
  CHECK(why["Outbox"] == "preset");
  CHECK(why["INBOX"] == "");
  CHECK(why["Notes from meetings"] == "");

  CommandResult sync = h.Run({"--json", "sync"});
  INFO(sync.err);
  REQUIRE(sync.exit_code == 0);
  auto js = nlohmann::json::parse(sync.out);
  CHECK(js["accounts"][0]["fetched"] == 2);  // INBOX and "Notes from meetings"
  CHECK_FALSE(std::filesystem::exists(h.account_dir() + "/.Calendar"));
}

}  // namespace
}  // namespace mailhoard::cli
