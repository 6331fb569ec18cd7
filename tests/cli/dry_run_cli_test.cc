// `sync --dry-run` is exact and changes nothing: the counts and bytes it
// announces are what the real run then fetches, and before the first real
// run it leaves no archive behind. Real binary, real Dovecot.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_harness.h"

namespace mailhoard::cli {
namespace {

using mailhoard::testing::CommandResult;
using mailhoard::testing::DovecotServer;
using testing::CliHarness;

nlohmann::json Account(const CommandResult& r) {
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out)["accounts"][0];
}

TEST_CASE("an IMAP dry run announces exactly what the real run fetches, and writes nothing",
          "[integration]") {
  DovecotServer& server = DovecotServer::Shared();
  CliHarness h(server);
  const std::string& user = h.user().name;
  std::vector<uint32_t> uids;
  for (int i = 0; i < 6; ++i) {
    uids.push_back(server.Deliver(
        user, "INBOX",
        "Subject: m" + std::to_string(i) + "\r\n\r\n" + std::string(1000 * (i + 1), 'x') + "\r\n"));
  }
  server.CreateFolder(user, "Work");
  server.Deliver(user, "Work", "Subject: w\r\n\r\nwork\r\n");
  // UIDNEXT now runs ahead of what the folder holds.
  server.Expunge(user, "INBOX", uids[1]);
  server.Expunge(user, "INBOX", uids[4]);

  auto dry = Account(h.Run({"--json", "sync", "--dry-run"}));
  CHECK_FALSE(std::filesystem::exists(h.account_dir()));  // nothing written

  auto real = Account(h.Run({"--json", "sync"}));
  CHECK(real["fetched"] == 5);
  CHECK(dry["fetched"] == real["fetched"]);
  CHECK(dry["bytes"] == real["bytes"]);
  CHECK(dry["bytes"].get<uint64_t>() > 10000);

  // Later runs: new mail above the high-water mark, a flag change.
  server.Deliver(user, "Work", "Subject: w2\r\n\r\n" + std::string(5000, 'y') + "\r\n");
  server.SetFlags(user, "INBOX", uids[0], {"\\Flagged"});
  auto dry2 = Account(h.Run({"--json", "sync", "--dry-run"}));
  auto real2 = Account(h.Run({"--json", "sync"}));
  CHECK(real2["fetched"] == 1);
  CHECK(dry2["fetched"] == 1);
  CHECK(dry2["bytes"] == real2["bytes"]);
  CHECK(dry2["flag_updates"] == 1);
  CHECK(real2["flag_updates"] == 1);

  // A folder created since the last run is counted without being created here.
  server.CreateFolder(user, "Later");
  server.Deliver(user, "Later", "Subject: l\r\n\r\nlater\r\n");
  auto dry3 = Account(h.Run({"--json", "sync", "--dry-run"}));
  CHECK(dry3["fetched"] == 1);
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(h.account_dir(), ec)) {
    CHECK(e.path().filename().string().find("Later") == std::string::npos);
  }
  CHECK(h.CompareWithServer().find("Later") != std::string::npos);  // not archived yet

  // A folder emptied on the server: its expunges are counted, nothing to fetch.
  REQUIRE(Account(h.Run({"--json", "sync"}))["exit_code"] == 0);
  for (const auto& m : server.Messages(user, "Work")) server.Expunge(user, "Work", m.uid);
  auto dry4 = Account(h.Run({"--json", "sync", "--dry-run"}));
  CHECK(dry4["fetched"] == 0);
  CHECK(dry4["expunged"] == 2);
}

TEST_CASE("a POP3 dry run before the first sync leaves no archive", "[integration]") {
  DovecotServer& server = DovecotServer::Shared();
  CliHarness h(server);
  server.Deliver(h.user().name, "INBOX", "Subject: p\r\n\r\npop\r\n");
  h.WriteConfig(server.pop3_port(), "protocol = \"pop3\"\n");
  auto dry = Account(h.Run({"--json", "sync", "--dry-run"}));
  CHECK(dry["fetched"] == 1);
  CHECK_FALSE(std::filesystem::exists(h.account_dir()));
}

}  // namespace
}  // namespace mailhoard::cli
