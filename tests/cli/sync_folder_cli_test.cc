// `sync --folder PATTERN`: a one-off run of some folders that neither
// touches nor marks gone the others. Real binary, real Dovecot.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/cli/cli_harness.h"

namespace mailhoard::cli {
namespace {

using mailhoard::testing::CommandResult;
using mailhoard::testing::DovecotServer;
using testing::CliHarness;

TEST_CASE("sync --folder syncs only the matching folders and marks no other gone",
          "[integration]") {
  DovecotServer& server = DovecotServer::Shared();
  CliHarness h(server);
  const std::string& user = h.user().name;
  server.Deliver(user, "INBOX", "Subject: in\r\n\r\nx\r\n");
  server.CreateFolder(user, "Projects");
  server.CreateFolder(user, "Projects/Alpha");
  server.Deliver(user, "Projects/Alpha", "Subject: alpha\r\n\r\nx\r\n");
  server.CreateFolder(user, "Work");
  server.Deliver(user, "Work", "Subject: work\r\n\r\nx\r\n");

  // Each --folder takes one pattern; the account stays positional.
  CommandResult r = h.Run({"--json", "sync", "--folder", "Projects/*", "--folder", "INBOX", "t"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out)["accounts"][0];
  CHECK(j["fetched"] == 2);
  std::set<std::string> names;
  for (const auto& f : j["folders"]) names.insert(f["name"]);
  CHECK(names == std::set<std::string>{"INBOX", "Projects/Alpha"});

  // Work was never synced, and the full run afterwards fetches just it.
  CommandResult all = h.Run({"--json", "sync"});
  auto ja = nlohmann::json::parse(all.out)["accounts"][0];
  CHECK(ja["fetched"] == 1);
  CHECK(ja["folders_gone"].empty());
  CHECK(h.CompareWithServer() == "");

  // A narrowed run after that marks nothing gone.
  CommandResult narrow = h.Run({"--json", "sync", "--folder", "INBOX"});
  CHECK(nlohmann::json::parse(narrow.out)["accounts"][0]["folders_gone"].empty());
  CommandResult status = h.Run({"--json", "status"});
  const auto status_json = nlohmann::json::parse(status.out);
  for (const auto& f : status_json["accounts"][0]["folders"]) {
    CHECK(f["gone_on_server"] == false);
  }

  CommandResult none = h.Run({"sync", "--folder", "Nope*"});
  CHECK(none.exit_code == 0);
  CHECK(none.err.find("no folder matches --folder") != std::string::npos);
}

}  // namespace
}  // namespace mailhoard::cli
