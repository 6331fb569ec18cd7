// Stopping `mailhoard sync` part-way, as a shutdown or the OOM killer would:
// SIGTERM must end it at a message boundary (75 or 0) with a clean archive;
// SIGKILL at any moment must leave an archive that the next run completes to
// exactly the server's contents, without duplicates, and `verify` clean.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/cli/cli_harness.h"
#include "tests/support/corpus.h"
#include "tests/support/tcp_proxy.h"

namespace mailhoard::cli {
namespace {

using mailhoard::testing::CommandResult;
using mailhoard::testing::DovecotServer;
using mailhoard::testing::TcpProxy;
using testing::CliHarness;

void LoadMail(CliHarness& h, size_t messages, uint64_t seed) {
  mailhoard::testing::CorpusOptions o;
  o.seed = seed;
  o.messages = messages;
  o.big_fraction = 0;  // many small messages: many points to be killed at
  mailhoard::testing::LoadCorpus(h.server(), h.user().name, o);
}

// Waits (up to two minutes) until a message file is in the archive.
bool WaitForArchivedMessage(const CliHarness& h) {
  namespace fs = std::filesystem;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(h.account_dir(), ec), end; !ec && it != end;
         it.increment(ec)) {
      if (it->path().parent_path().filename() == "cur") return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// The account is synced through `proxy` (slowed down), checked and completed
// directly against the server.
void ExpectCompletes(CliHarness& h) {
  CommandResult verify = h.Run({"verify"});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);
  CommandResult again = h.Run({"sync"});
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK(h.CompareWithServer() == "");
  CommandResult verify2 = h.Run({"verify"});
  INFO(verify2.out << verify2.err);
  CHECK(verify2.exit_code == 0);
}

TEST_CASE("SIGTERM mid-sync stops cleanly, and the next sync completes it byte-equal",
          "[integration]") {
  DovecotServer& server = DovecotServer::Shared();
  TcpProxy proxy(server.imap_port(), {std::chrono::milliseconds(15)});
  CliHarness h(server, proxy.port(), "connections = 1\n");
  LoadMail(h, 300, 7);
  pid_t pid = h.Start({"sync"});
  // Mid-sync means after the first message landed, not after a fixed time:
  // on a loaded machine (ctest -j, ASan) the process may not even have set
  // up its signal handling after a second.
  bool started = WaitForArchivedMessage(h);
  kill(pid, SIGTERM);
  int code = CliHarness::Wait(pid);
  CHECK(started);
  INFO(testing::ReadFileOrEmpty(h.dir() / "bg.err"));
  CHECK((code == 75 || code == 0));
  h.WriteConfig(0);
  ExpectCompletes(h);
}

// Two kills per archive: a killed run, then a killed resume, each `delay_ms`
// after it started; then a full run must complete the archive exactly.
void KilledTwiceThenCompletes(int delay_ms) {
  DovecotServer& server = DovecotServer::Shared();
  TcpProxy proxy(server.imap_port(), {std::chrono::milliseconds(5)});
  CliHarness h(server, proxy.port());
  LoadMail(h, 300, 11);
  for (int round = 0; round < 2; ++round) {
    pid_t pid = h.Start({"-q", "sync"});
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(pid, SIGKILL);
    CliHarness::Wait(pid);
  }
  h.WriteConfig(0);
  CommandResult resumed = h.Run({"sync"});
  INFO(resumed.out << resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK(h.CompareWithServer() == "");
  CommandResult verify = h.Run({"verify"});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);
  CommandResult noop = h.Run({"--json", "sync"});
  CHECK(noop.exit_code == 0);
  CHECK(noop.out.find("\"fetched\": 0") != std::string::npos);
}

// One test case per kill point (10-30 s each, most of it waiting on the
// slowed link and Dovecot), so that ctest runs them side by side.
TEST_CASE("SIGKILL 100 ms into a sync and its resume: a re-run completes it exactly",
          "[integration]") {
  KilledTwiceThenCompletes(100);
}
TEST_CASE("SIGKILL 250 ms into a sync and its resume: a re-run completes it exactly",
          "[integration]") {
  KilledTwiceThenCompletes(250);
}
TEST_CASE("SIGKILL 400 ms into a sync and its resume: a re-run completes it exactly",
          "[integration]") {
  KilledTwiceThenCompletes(400);
}
TEST_CASE("SIGKILL 600 ms into a sync and its resume: a re-run completes it exactly",
          "[integration]") {
  KilledTwiceThenCompletes(600);
}
TEST_CASE("SIGKILL 850 ms into a sync and its resume: a re-run completes it exactly",
          "[integration]") {
  KilledTwiceThenCompletes(850);
}
TEST_CASE("SIGKILL 1100 ms into a sync and its resume: a re-run completes it exactly",
          "[integration]") {
  KilledTwiceThenCompletes(1100);
}
TEST_CASE("SIGKILL 1500 ms into a sync and its resume: a re-run completes it exactly",
          "[integration]") {
  KilledTwiceThenCompletes(1500);
}
TEST_CASE("SIGKILL 2000 ms into a sync and its resume: a re-run completes it exactly",
          "[integration]") {
  KilledTwiceThenCompletes(2000);
}

}  // namespace
}  // namespace mailhoard::cli
