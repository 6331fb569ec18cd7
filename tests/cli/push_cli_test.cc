// `mailhoard push` through the real binary: a synced account pushed into a
// second Dovecot user. SIGKILL at several points, then a resumed push, must
// leave the target equal to the source with nothing twice; a connection
// cut mid-push is resumed within the run; bad input is refused clearly.
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <map>
#include <sstream>
#include <thread>

#include "tests/cli/cli_harness.h"
#include "tests/support/corpus.h"
#include "tests/support/tcp_proxy.h"

namespace mailhoard::cli {
namespace {

using mailhoard::testing::CommandResult;
using mailhoard::testing::DovecotServer;
using mailhoard::testing::TcpProxy;
using mailhoard::testing::TestUser;
using testing::CliHarness;

// Adds [accounts.dest], the target user, reached on `port`.
void AddTarget(CliHarness& h, const TestUser& target, uint16_t port) {
  const std::string pw = h.dir() / "dest.pw";
  testing::WriteFile(pw, target.password);
  chmod(pw.c_str(), 0600);
  h.WriteConfig(0, "\n[accounts.dest]\nhost = \"127.0.0.1\"\nport = " + std::to_string(port) +
                       "\ntls = \"starttls\"\ntls_ca_file = \"" + h.server().ca_file() +
                       "\"\nuser = \"" + target.name + "\"\npassword_file = \"" + pw + "\"\n");
}

// Many small messages over the corpus's folders: many points to stop at.
void LoadSmallMail(CliHarness& h, size_t messages, uint64_t seed) {
  mailhoard::testing::CorpusOptions corpus;
  corpus.seed = seed;
  corpus.messages = messages;
  corpus.big_fraction = 0;
  mailhoard::testing::LoadCorpus(h.server(), h.user().name, corpus);
}

uint64_t TargetCount(DovecotServer& server, const std::string& user) {
  std::istringstream in(
      server.Doveadm({"-f", "tab", "mailbox", "status", "-u", user, "messages", "*"}));
  std::string line;
  std::getline(in, line);
  uint64_t n = 0;
  while (std::getline(in, line)) {  // "name\tcount"
    const std::string count = line.substr(line.rfind('\t') + 1);
    if (!count.empty() && std::isdigit(static_cast<unsigned char>(count[0]))) {
      n += std::stoull(count);
    }
  }
  return n;
}

// Every source folder's messages are in the target's folder of the same
// name, once each, byte for byte.
std::string CompareTargetWithSource(DovecotServer& server, const std::string& source,
                                    const std::string& target) {
  for (const std::string& folder : server.Folders(source)) {
    std::vector<std::string> a, b;
    for (const auto& m : server.Messages(source, folder)) a.push_back(m.bytes);
    for (const auto& m : server.Messages(target, folder)) b.push_back(m.bytes);
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    if (a != b) {
      return folder + ": source has " + std::to_string(a.size()) + ", target " +
             std::to_string(b.size());
    }
  }
  return "";
}

TEST_CASE("push killed at several points, then resumed, leaves no duplicate and nothing missing",
          "[integration]") {
  DovecotServer& server = DovecotServer::Shared();
  CliHarness h(server);
  LoadSmallMail(h, 300, 21);
  TestUser target = server.CreateUser();
  TcpProxy slow(server.imap_port(), {std::chrono::milliseconds(3)});
  AddTarget(h, target, slow.port());
  CommandResult synced = h.Run({"sync"});
  INFO(synced.out << synced.err);
  REQUIRE(synced.exit_code == 0);

  for (uint64_t kill_at : {20u, 110u, 220u}) {
    pid_t pid = h.Start({"push", "t", "--to", "dest"});
    auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (TargetCount(server, target.name) < kill_at &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    kill(pid, SIGKILL);
    const int code = CliHarness::Wait(pid);
    INFO("killed at " << kill_at);
    // The kill must land mid-push, not after it ended.
    CHECK(code == 128 + SIGKILL);
    CHECK(TargetCount(server, target.name) < 300);
  }
  CommandResult done = h.Run({"push", "t", "--to", "dest"});
  INFO(done.out << done.err);
  CHECK(done.exit_code == 0);
  CHECK(TargetCount(server, target.name) == 300);
  CHECK(CompareTargetWithSource(server, h.user().name, target.name) == "");
  CommandResult verify = h.Run({"push", "t", "--to", "dest", "--verify"});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);
  CHECK(verify.out.find("0 differ, 0 missing, 0 not pushed") != std::string::npos);
  CHECK(TargetCount(server, target.name) == 300);
}

TEST_CASE("push resumes within the run after the connection is cut", "[integration]") {
  DovecotServer& server = DovecotServer::Shared();
  CliHarness h(server);
  LoadSmallMail(h, 60, 22);
  TestUser target = server.CreateUser();
  mailhoard::testing::ProxyOptions cut;
  cut.cut_after_bytes = 3000;
  cut.cut_connections = 2;
  TcpProxy proxy(server.imap_port(), cut);
  AddTarget(h, target, proxy.port());
  REQUIRE(h.Run({"sync"}).exit_code == 0);
  CommandResult r = h.Run({"push", "t", "--to", "dest"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(proxy.cuts() >= 1);
  CHECK(TargetCount(server, target.name) == 60);
  CHECK(CompareTargetWithSource(server, h.user().name, target.name) == "");
}

TEST_CASE("push: a dry run changes nothing, bad targets are refused", "[integration]") {
  DovecotServer& server = DovecotServer::Shared();
  CliHarness h(server);
  server.Deliver(h.user().name, "INBOX", "Subject: a\r\nMessage-ID: <a@x>\r\n\r\na\r\n");
  TestUser target = server.CreateUser();
  AddTarget(h, target, server.imap_port());
  REQUIRE(h.Run({"sync"}).exit_code == 0);

  CommandResult dry = h.Run({"--json", "push", "t", "--to", "dest", "--dry-run"});
  INFO(dry.out << dry.err);
  CHECK(dry.exit_code == 0);
  CHECK(dry.out.find("\"appended\": 1") != std::string::npos);
  CHECK(TargetCount(server, target.name) == 0);

  CommandResult unknown = h.Run({"push", "t", "--to", "nosuch"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("nosuch") != std::string::npos);
  CommandResult loop = h.Run({"push", "t", "--to", "t"});
  CHECK(loop.exit_code == 2);
  CHECK(loop.err.find("loop") != std::string::npos);

  CommandResult real = h.Run({"push", "t", "--to", "dest"});
  INFO(real.out << real.err);
  CHECK(real.exit_code == 0);
  CHECK(TargetCount(server, target.name) == 1);
}

}  // namespace
}  // namespace mailhoard::cli
