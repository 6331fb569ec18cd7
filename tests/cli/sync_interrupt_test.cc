// Stopping `mailhoard sync` part-way, as a shutdown or the OOM killer would:
// SIGTERM must end it at a message boundary (75 or 0) with a clean archive;
// SIGKILL at any moment must leave an archive that the next run completes to
// exactly the server's contents, without duplicates, and `verify` clean.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <set>

#include "storage/index/index.h"
#include "tests/cli/cli_harness.h"
#include "tests/support/corpus.h"
#include "tests/support/tcp_proxy.h"
#include "tests/support/wait_until.h"

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

constexpr size_t kMessages = 300;

// Message files in the account's tmp/ and cur/ directories: what a run has
// received so far. With durability "batch" a message waits in tmp/ until the
// batch is committed (at the end of a run this size), so cur/ alone would
// show nothing until the run is almost over.
std::set<std::string> MessageFiles(const CliHarness& h) {
  namespace fs = std::filesystem;
  std::set<std::string> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(h.account_dir(), ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string sub = it->path().parent_path().filename().string();
    if (sub == "tmp" || sub == "cur") files.insert(it->path().string());
  }
  return files;
}

// Messages the index has committed (0 before the index exists).
size_t CommittedMessages(const CliHarness& h) {
  index::IndexOptions o;
  o.read_only = true;
  o.create_if_missing = false;
  auto idx = index::Index::Open(h.account_dir() + "/.mailhoard.sqlite", o);
  if (!idx.ok()) return 0;
  size_t n = 0;
  Status s = (*idx)->ForEachMessageFile([&](const index::MessageFile&) {
    ++n;
    return Status::Ok();
  });
  return s.ok() ? n : 0;
}

// Whether process `pid` (a sync of one account) holds its index open.
bool HasIndexOpen(pid_t pid) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (fs::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    std::error_code link_ec;
    if (fs::read_symlink(it->path(), link_ec).filename() == ".mailhoard.sqlite") return true;
  }
  return false;
}

// Whether child `pid` has exited (a zombie until CliHarness::Wait reaps it).
bool Exited(pid_t pid) {
  std::string stat = testing::ReadFileOrEmpty("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  return paren == std::string::npos || stat.compare(paren + 1, 2, " Z") == 0;
}

// Waits until the sync `pid` has written `n` message files that were not
// there when it started (`before`); n == 0: until it has opened the index.
// False if it exited first.
bool WaitForProgress(pid_t pid, const CliHarness& h, const std::set<std::string>& before,
                     size_t n) {
  auto reached = [&] {
    if (n == 0) return HasIndexOpen(pid);
    size_t fresh = 0;
    for (const auto& f : MessageFiles(h)) fresh += before.count(f) == 0;
    return fresh >= n;
  };
  bool done = false;
  mailhoard::testing::WaitUntil(
      [&] {
        done = reached();
        return done || Exited(pid);
      },
      mailhoard::testing::kEventDeadline, std::chrono::milliseconds(2));
  return done;
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
  LoadMail(h, kMessages, 7);
  pid_t pid = h.Start({"sync"});
  // Mid-sync means after the first message arrived, not after a fixed time:
  // on a loaded machine (ctest -j, ASan) the process may not even have set
  // up its signal handling after a second.
  bool started = WaitForProgress(pid, h, {}, 1);
  kill(pid, SIGTERM);
  int code = CliHarness::Wait(pid);
  CHECK(started);
  INFO(testing::ReadFileOrEmpty(h.dir() / "bg.err"));
  CHECK((code == 75 || code == 0));
  h.WriteConfig(0);
  ExpectCompletes(h);
}

// Where a run is killed: once it has written `first` messages, and its
// resume once that has written `second` (0: as soon as the index is open,
// before any message). `keys` go into the account's config.
struct KillPoints {
  size_t first;
  size_t second;
  std::string keys;
};

// Two kills per archive: a killed run, then a killed resume; then a full run
// must complete the archive exactly. Each kill must land mid-run: the process
// dies of the SIGKILL (it had not exited) and the index does not yet hold
// every message; otherwise the re-run would check nothing.
void KilledTwiceThenCompletes(const KillPoints& at) {
  DovecotServer& server = DovecotServer::Shared();
  TcpProxy proxy(server.imap_port(), {std::chrono::milliseconds(5)});
  CliHarness h(server, proxy.port(), at.keys);
  LoadMail(h, kMessages, 11);
  for (size_t n : {at.first, at.second}) {
    const std::set<std::string> before = MessageFiles(h);
    pid_t pid = h.Start({"-q", "sync"});
    const bool reached = WaitForProgress(pid, h, before, n);
    kill(pid, SIGKILL);
    const int code = CliHarness::Wait(pid);
    INFO("killed after " << n << " messages; " << testing::ReadFileOrEmpty(h.dir() / "bg.err"));
    REQUIRE(reached);
    REQUIRE(code == 128 + SIGKILL);
    const size_t committed = CommittedMessages(h);
    INFO(committed << " messages committed");
    REQUIRE(committed < kMessages);
  }
  h.WriteConfig(0, at.keys);
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
// slowed link and Dovecot), so that ctest runs them side by side. Points
// are counted in messages, not milliseconds: a loaded machine shifts time,
// not the order of events. Durability "full" renames each message into cur/
// at once, so its resumes adopt files the index never recorded.
TEST_CASE("SIGKILL before the first message and in its resume: a re-run completes it exactly",
          "[integration]") {
  KilledTwiceThenCompletes({0, 0, ""});
}
TEST_CASE("SIGKILL after 1 message and 1 in its resume: a re-run completes it exactly",
          "[integration]") {
  KilledTwiceThenCompletes({1, 1, ""});
}
TEST_CASE("SIGKILL after 10 messages and 10 in its resume: a re-run completes it exactly",
          "[integration]") {
  KilledTwiceThenCompletes({10, 10, ""});
}
TEST_CASE("SIGKILL after 40 messages and 60 in its resume: a re-run completes it exactly",
          "[integration]") {
  KilledTwiceThenCompletes({40, 60, ""});
}
TEST_CASE("SIGKILL after 120 messages and 150 in its resume: a re-run completes it exactly",
          "[integration]") {
  KilledTwiceThenCompletes({120, 150, ""});
}
TEST_CASE("durability full, SIGKILL after 5 messages and 5 more: a re-run completes it exactly",
          "[integration]") {
  KilledTwiceThenCompletes({5, 5, "durability = \"full\"\n"});
}
TEST_CASE("durability full, SIGKILL after 60 messages and 60 more: a re-run completes it exactly",
          "[integration]") {
  KilledTwiceThenCompletes({60, 60, "durability = \"full\"\n"});
}
TEST_CASE("durability full, SIGKILL after 150 messages and 80 more: a re-run completes it exactly",
          "[integration]") {
  KilledTwiceThenCompletes({150, 80, "durability = \"full\"\n"});
}

}  // namespace
}  // namespace mailhoard::cli
