// What `mailhoard sync` tells a user after changes on the server: flags,
// expunges and a deleted folder are named, not folded into "0 new messages".
// Runs the real binary against the real Dovecot.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli/display_width.h"
#include "tests/cli/cli_harness.h"

namespace mailhoard::cli {
namespace {

using mailhoard::testing::CommandResult;
using mailhoard::testing::DovecotServer;
using testing::CliHarness;

TEST_CASE("the summary names flag changes, expunges and folders gone", "[integration]") {
  DovecotServer& server = DovecotServer::Shared();
  CliHarness h(server);
  const std::string& user = h.user().name;
  std::vector<uint32_t> uids;
  for (int i = 0; i < 8; ++i) {
    uids.push_back(
        server.Deliver(user, "INBOX", "Subject: m" + std::to_string(i) + "\r\n\r\nx\r\n"));
  }
  server.CreateFolder(user, "Old");
  server.Deliver(user, "Old", "Subject: old\r\n\r\nx\r\n");
  REQUIRE(h.Run({"sync"}).exit_code == 0);

  for (int i = 0; i < 5; ++i) server.SetFlags(user, "INBOX", uids[i], {"\\Flagged"});
  for (int i = 5; i < 8; ++i) server.Expunge(user, "INBOX", uids[i]);
  server.DeleteFolder(user, "Old");

  CommandResult dry = h.Run({"sync", "--dry-run"});
  INFO(dry.out << dry.err);
  CHECK(dry.out.find("would mark 1 folder gone from the server (archived mail stays): Old") !=
        std::string::npos);

  CommandResult r = h.Run({"--json", "sync"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out)["accounts"][0];
  CHECK(j["flag_updates"] == 5);
  CHECK(j["expunged"] == 3);
  CHECK(j["folders_gone"] == nlohmann::json::array({"Old"}));

  // The same changes again, as text.
  for (int i = 0; i < 5; ++i) server.SetFlags(user, "INBOX", uids[i], {"\\Seen"});
  CommandResult text = h.Run({"sync"});
  INFO(text.out);
  CHECK(text.out.rfind("t: 0 new messages (0.0 MB), 5 flag changes in 1 of ", 0) == 0);
}

TEST_CASE("status lines up its columns after non-ASCII folder names", "[integration]") {
  DovecotServer& server = DovecotServer::Shared();
  CliHarness h(server);
  server.CreateFolder(h.user().name, "Entwürfe");
  server.Deliver(h.user().name, "Entwürfe", "Subject: d\r\n\r\nx\r\n");
  server.CreateFolder(h.user().name, "已发送");
  server.Deliver(h.user().name, "已发送", "Subject: s\r\n\r\nx\r\n");
  REQUIRE(h.Run({"sync"}).exit_code == 0);
  CommandResult status = h.Run({"status"});
  INFO(status.out);
  // The column where " msgs" starts, in display columns, is the same on
  // every folder line.
  std::set<size_t> columns;
  std::istringstream lines(status.out);
  for (std::string line; std::getline(lines, line);) {
    const size_t at = line.find(" msgs");
    if (at == std::string::npos) continue;
    columns.insert(DisplayWidth(std::string_view(line).substr(0, at)));
  }
  CHECK(columns.size() == 1);
}

}  // namespace
}  // namespace mailhoard::cli
