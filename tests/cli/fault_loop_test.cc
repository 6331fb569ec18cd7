// Seeded fault loops through the real binary (issue #16). What users run,
// attacked the way networks and machines fail:
//   - connections cut at seeded byte offsets, server→client or client→server,
//     for IMAP (plaintext, COMPRESS=DEFLATE, STARTTLS) and POP3 drain
//     (plaintext, STLS): in the greeting, LOGIN/AUTHENTICATE, the TLS
//     handshake, COMPRESS, a literal, a tagged response;
//   - SIGKILL of `mailhoard sync` at seeded moments (a time, or a count of
//     messages written), IMAP and POP3 drain.
// After every run: it ended (no hang) with an exit code of cli/exit_codes.h
// and a message, nothing archived twice, no archived file that differs from
// every message the server had, and for drain nothing gone from the server
// that is not in the archive. After each loop a clean run leaves the archive
// byte-equal to Dovecot, `verify` clean, and nothing written outside the
// archive root. Each loop prints one summary line (docs/reliability.md).
//
// Counts: full by default; CI=true bounds them, MAILHOARD_FAULT_RUNS=N sets
// them. MAILHOARD_FAULT_SEED=S replays a loop; the seed is in every failure.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <thread>

#include "tests/cli/cli_harness.h"
#include "tests/cli/fault_loop_util.h"
#include "tests/support/sanitizers.h"
#include "tests/support/tcp_proxy.h"
#include "tests/support/wait_until.h"

namespace mailhoard::cli {
namespace {

using mailhoard::testing::DovecotServer;
using mailhoard::testing::ProxyDirection;
using mailhoard::testing::ProxyOptions;
using mailhoard::testing::TcpProxy;
using testing::CliHarness;
using testing::FaultTally;

constexpr auto kDown = ProxyDirection::kServerToClient;
constexpr auto kUp = ProxyDirection::kClientToServer;

// A run that takes longer than this has hung (the loops use timeout = 5).
const std::chrono::milliseconds kRunLimit{mailhoard::testing::kAddressSanitizer ? 120'000 : 60'000};

// Exit codes a faulted run may end with: done, partly done, try again.
bool CleanExit(int code) { return code == 0 || code == 1 || code == 75; }

// Delivers `n` fresh messages (sizes log-uniform, 300 B to 200 KB) spread
// over `folders`; returns their total size.
size_t DeliverFresh(CliHarness& h, std::mt19937_64& rng, const std::string& tag, int n,
                    const std::vector<std::string>& folders) {
  std::uniform_real_distribution<double> log_size(std::log(300.0), std::log(200'000.0));
  size_t bytes = 0;
  for (int i = 0; i < n; ++i) {
    const std::string mail = testing::FaultMail(tag + "-" + std::to_string(i),
                                                static_cast<size_t>(std::exp(log_size(rng))));
    bytes += mail.size();
    h.server().Deliver(h.user().name, folders[static_cast<size_t>(i) % folders.size()], mail);
  }
  return bytes;
}

void AddAll(std::set<std::string>* to, const std::vector<std::string>& from) {
  to->insert(from.begin(), from.end());
}

// A loop's final word: a clean direct run, then the archive is exactly the
// server's (`expected`: every message it has had, for drain), `verify` is
// clean and nothing appeared outside the archive root.
void FinishLoop(CliHarness& h, FaultTally& t, const std::set<std::string>& expected,
                const std::map<std::string, uintmax_t>& tree_before, bool pop3,
                std::string* failure) {
  mailhoard::testing::CommandResult run = h.Run({"sync"});
  if (run.exit_code != 0 && failure->empty()) {
    *failure = "final run exit " + std::to_string(run.exit_code) + ": " + run.err;
  }
  std::string error;
  const std::vector<std::string> archived = testing::ArchivedMessages(h, &error);
  if (!error.empty() && failure->empty()) *failure = "reading the index: " + error;
  if (pop3) {
    const size_t left = testing::ServerMessages(h, {"INBOX"}).size();
    if (left && failure->empty()) {
      *failure = "drain left " + std::to_string(left) + " messages on the server";
    }
  }
  const testing::ArchiveDamage d = testing::CheckArchive(archived, expected, expected);
  t.lost = d.lost;
  t.duplicated = std::max(t.duplicated, d.duplicated);
  t.foreign = std::max(t.foreign, d.foreign);
  if (!d.ok() && failure->empty()) *failure = "final archive: " + d.first;
  if (!pop3) {
    const std::string diff = h.CompareWithServer();
    if (!diff.empty() && failure->empty()) *failure = "final archive differs: " + diff;
  }
  mailhoard::testing::CommandResult verify = h.Run({"verify"});
  if (verify.exit_code != 0 && failure->empty()) {
    *failure = "verify exit " + std::to_string(verify.exit_code) + ": " + verify.out + verify.err;
  }
  std::string first_outside;
  t.outside_root = testing::TreeChanges(
      tree_before, testing::TreeOutside(h.dir().path(), h.dir() / "hoard"), &first_outside);
  if (t.outside_root && failure->empty())
    *failure = "written outside the archive: " + first_outside;
}

// One round of a cut loop: the transport, which direction is cut, and the
// range the offset is drawn from (hi 0: up to about what the run carries).
struct CutPlan {
  const char* tls;  // "none" or "starttls"
  bool compress;
  ProxyDirection direction;
  uint64_t lo, hi;
};

// Rounds alternate so that offsets land in each phase: the first kilobytes
// (greeting, CAPABILITY, LOGIN/AUTHENTICATE, COMPRESS, STARTTLS and the TLS
// handshake) and anywhere in the run (mostly literals).
constexpr CutPlan kImapPlans[] = {
    {"none", false, kDown, 1, 700},      {"none", true, kDown, 1, 2500},
    {"starttls", false, kDown, 1, 2500}, {"none", false, kDown, 1, 0},
    {"starttls", false, kDown, 1, 0},    {"none", false, kUp, 1, 400},
    {"starttls", false, kUp, 1, 800},    {"none", true, kDown, 1, 0},
    {"none", false, kDown, 1, 2500},
};
constexpr CutPlan kPop3Plans[] = {
    {"none", false, kDown, 1, 150},    {"starttls", false, kDown, 1, 3000},
    {"none", false, kDown, 1, 1500},   {"none", false, kDown, 1, 0},
    {"starttls", false, kDown, 1, 0},  {"none", false, kUp, 1, 80},
    {"starttls", false, kUp, 1, 1200},
};

void CutLoop(const std::string& name, bool pop3, int target) {
  FaultTally t;
  t.loop = name;
  t.seed = testing::FaultSeed();
  INFO("fault-loop " << name << " seed " << t.seed << " (MAILHOARD_FAULT_SEED=" << t.seed
                     << " replays it)");
  std::mt19937_64 rng(t.seed);
  DovecotServer& server = DovecotServer::Shared();
  CliHarness h(server);
  const std::vector<std::string> folders =
      pop3 ? std::vector<std::string>{"INBOX"} : std::vector<std::string>{"INBOX", "Archive"};
  if (!pop3) server.CreateFolder(h.user().name, "Archive");
  const std::string tag = "s" + std::to_string(t.seed);
  DeliverFresh(h, rng, tag + "-start", 4, folders);
  std::set<std::string> known;
  AddAll(&known, testing::ServerMessages(h, folders));
  const auto tree_before = testing::TreeOutside(h.dir().path(), h.dir() / "hoard");
  const uint16_t target_port = pop3 ? server.pop3_port() : server.imap_port();
  const std::string base_keys = pop3 ? "protocol = \"pop3\"\npolicy = \"drain\"\ntimeout = 5\n"
                                     : "connections = 1\ntimeout = 5\n";

  std::string failure;
  for (int round = 0; t.faults < target && round < target * 3 && failure.empty(); ++round) {
    // Fresh mail every round, so every run has messages to carry.
    const size_t fresh = DeliverFresh(h, rng, tag + "-" + std::to_string(round), 2, folders);
    AddAll(&known, testing::ServerMessages(h, folders));
    const CutPlan& plan = pop3 ? kPop3Plans[static_cast<size_t>(round) % std::size(kPop3Plans)]
                               : kImapPlans[static_cast<size_t>(round) % std::size(kImapPlans)];
    const uint64_t hi = plan.hi ? plan.hi : (plan.compress ? fresh / 3 : fresh) + 3000;
    ProxyOptions po;
    po.record = true;
    po.direction = plan.direction;
    po.cut_after_bytes = std::uniform_int_distribution<uint64_t>(plan.lo, hi)(rng);
    TcpProxy proxy(target_port, po);
    h.SetTls(plan.tls);
    h.WriteConfig(proxy.port(), base_keys + (plan.compress ? "compress = \"always\"\n" : ""));
    const testing::BoundedRun run = testing::WaitBounded(h, h.Start({"-q", "sync"}), kRunLimit);
    ++t.runs;
    std::string site = "no fault";
    if (proxy.cuts() > 0) {
      ++t.faults;
      const mailhoard::testing::ProxyRecord record = proxy.Records().at(0);
      site = testing::FaultSite(record, plan.direction, pop3);
      ++t.where[site];
      if (std::getenv("MAILHOARD_FAULT_TRACE")) {
        const std::string& s = plan.direction == kDown ? record.down : record.up;
        std::printf(
            "%s round %d: %s at %zu, ending \"%s\"\n", name.c_str(), round, site.c_str(), s.size(),
            testing::Printable(s.substr(s.size() - std::min<size_t>(s.size(), 48))).c_str());
        if (std::string(std::getenv("MAILHOARD_FAULT_TRACE")) == "2") {
          std::printf("  up: %s\n  down: %s\n",
                      testing::Printable(record.up.substr(0, 2000)).c_str(),
                      testing::Printable(record.down.substr(0, 2000)).c_str());
        }
      }
    }
    const std::string what = "round " + std::to_string(round) + " (tls " + plan.tls +
                             (plan.compress ? ", compress" : "") + ", cut " +
                             (plan.direction == kDown ? "server" : "client") + " bytes at " +
                             std::to_string(po.cut_after_bytes) + ", " + site + ")";
    std::string error;
    const std::vector<std::string> archived = testing::ArchivedMessages(h, &error);
    std::set<std::string> deleted;  // from the server, by a drain
    if (pop3) {
      const std::vector<std::string> now = testing::ServerMessages(h, folders);
      const std::set<std::string> still(now.begin(), now.end());
      for (const auto& m : known) {
        if (!still.count(m)) deleted.insert(m);
      }
    }
    const testing::ArchiveDamage d = testing::CheckArchive(archived, known, deleted);
    t.duplicated = std::max(t.duplicated, d.duplicated);
    t.foreign = std::max(t.foreign, d.foreign);
    t.lost = std::max(t.lost, d.lost);
    if (run.hung) {
      failure = what + ": still running after the limit";
    } else if (!CleanExit(run.code)) {
      failure = what + ": exit " + std::to_string(run.code) + ": " + run.err;
    } else if (run.code != 0 && run.err.empty()) {
      failure = what + ": exit " + std::to_string(run.code) + " without a message";
    } else if (!error.empty()) {
      failure = what + ": reading the index: " + error;
    } else if (!d.ok()) {
      failure = what + ": " + d.first;
    } else {
      ++t.survived;
    }
  }
  h.SetTls("starttls");
  h.WriteConfig(target_port, base_keys);
  if (failure.empty()) FinishLoop(h, t, known, tree_before, pop3, &failure);
  t.Print();
  INFO(t.Line());
  CHECK(failure == "");
  CHECK(t.faults >= target);
  CHECK(t.survived == t.runs);
}

TEST_CASE("imap: connections cut at seeded byte offsets, then a clean run is byte-equal",
          "[integration][faults]") {
  CutLoop("imap-cut", /*pop3=*/false, testing::FaultRuns(50, 12));
}

TEST_CASE("pop3 drain: connections cut at seeded byte offsets, nothing deleted before it is kept",
          "[integration][faults]") {
  CutLoop("pop3-cut", /*pop3=*/true, testing::FaultRuns(50, 12));
}

// SIGKILL at seeded moments: a delay after the start, or once the run has
// written a number of message files. Fresh mail every round, durability
// alternating between batch and full.
void KillLoop(const std::string& name, bool pop3, int target) {
  FaultTally t;
  t.loop = name;
  t.seed = testing::FaultSeed();
  INFO("fault-loop " << name << " seed " << t.seed << " (MAILHOARD_FAULT_SEED=" << t.seed
                     << " replays it)");
  std::mt19937_64 rng(t.seed);
  DovecotServer& server = DovecotServer::Shared();
  CliHarness h(server);
  const std::vector<std::string> folders =
      pop3 ? std::vector<std::string>{"INBOX"} : std::vector<std::string>{"INBOX", "Archive"};
  if (!pop3) server.CreateFolder(h.user().name, "Archive");
  const std::string tag = "k" + std::to_string(t.seed);
  DeliverFresh(h, rng, tag + "-start", 10, folders);
  std::set<std::string> known;
  AddAll(&known, testing::ServerMessages(h, folders));
  const auto tree_before = testing::TreeOutside(h.dir().path(), h.dir() / "hoard");
  const uint16_t target_port = pop3 ? server.pop3_port() : server.imap_port();
  const std::string base_keys =
      pop3 ? "protocol = \"pop3\"\npolicy = \"drain\"\n" : "connections = 2\n";
  // A slightly slow link spreads a run over more of the kill window.
  TcpProxy proxy(target_port, {std::chrono::milliseconds(2)});

  // The kill window follows how long a whole run took last (machines and
  // sanitizers differ by 10x), so that kills at a time land mid-run.
  std::chrono::milliseconds window{600};
  std::string failure;
  for (int round = 0; t.faults < target && round < target * 3 && failure.empty(); ++round) {
    DeliverFresh(h, rng, tag + "-" + std::to_string(round), 4, folders);
    AddAll(&known, testing::ServerMessages(h, folders));
    const bool full = rng() % 2;
    h.WriteConfig(proxy.port(), base_keys + (full ? "durability = \"full\"\n" : ""));
    const bool by_time = rng() % 2;
    const auto delay = std::chrono::milliseconds(rng() % static_cast<uint64_t>(window.count()));
    const size_t files = rng() % 6;
    const std::set<std::string> before = [&] {
      std::string e;
      auto a = testing::ArchivedMessages(h, &e);
      return std::set<std::string>(a.begin(), a.end());
    }();
    const auto started = std::chrono::steady_clock::now();
    const pid_t pid = h.Start({"-q", "sync"});
    if (by_time) {
      mailhoard::testing::WaitUntil([&] { return testing::ChildExited(pid); }, delay);
    } else {
      // Files, not index rows: a batch lands in tmp/ long before its commit.
      mailhoard::testing::WaitUntil(
          [&] {
            size_t n = 0;
            std::error_code ec;
            for (std::filesystem::recursive_directory_iterator it(h.account_dir(), ec), end;
                 !ec && it != end; it.increment(ec)) {
              const std::string sub = it->path().parent_path().filename().string();
              n += (sub == "tmp" || sub == "new" || sub == "cur") && it->is_regular_file();
            }
            return testing::ChildExited(pid) || n >= before.size() + files;
          },
          kRunLimit, std::chrono::milliseconds(1));
    }
    const auto at_kill = std::chrono::steady_clock::now();
    kill(pid, SIGKILL);
    const int code = CliHarness::Wait(pid);
    // The exit status says whether the kill struck: a run may end on its
    // own between any check and the kill.
    const bool alive = code == 128 + SIGKILL;
    if (!alive) {
      window = std::max(std::chrono::milliseconds(50),
                        std::chrono::duration_cast<std::chrono::milliseconds>(at_kill - started));
    }
    ++t.runs;
    const std::string when = by_time ? "after " + std::to_string(delay.count()) + " ms"
                                     : "after " + std::to_string(files) + " files";
    if (alive) {
      ++t.faults;
      ++t.where[by_time ? "at a time" : "after files"];
    }
    const std::string what = "round " + std::to_string(round) + " (SIGKILL " + when +
                             (full ? ", durability full" : "") + ")";
    std::string error;
    const std::vector<std::string> archived = testing::ArchivedMessages(h, &error);
    std::set<std::string> deleted;
    if (pop3) {
      const std::vector<std::string> now = testing::ServerMessages(h, folders);
      const std::set<std::string> still(now.begin(), now.end());
      for (const auto& m : known) {
        if (!still.count(m)) deleted.insert(m);
      }
    }
    const testing::ArchiveDamage d = testing::CheckArchive(archived, known, deleted);
    t.duplicated = std::max(t.duplicated, d.duplicated);
    t.foreign = std::max(t.foreign, d.foreign);
    t.lost = std::max(t.lost, d.lost);
    const std::string err = testing::ReadFileOrEmpty(h.dir() / "bg.err");
    if (!alive && code != 0) {
      failure =
          what + ": the run ended before the kill with exit " + std::to_string(code) + ": " + err;
    } else if (!error.empty()) {
      failure = what + ": reading the index: " + error;
    } else if (!d.ok()) {
      failure = what + ": " + d.first;
    } else {
      ++t.survived;
    }
  }
  h.WriteConfig(target_port, base_keys);
  if (failure.empty()) FinishLoop(h, t, known, tree_before, pop3, &failure);
  t.Print();
  INFO(t.Line());
  CHECK(failure == "");
  CHECK(t.faults >= target);
  CHECK(t.survived == t.runs);
}

TEST_CASE("imap: SIGKILL at seeded moments, then a clean run is byte-equal",
          "[integration][faults]") {
  KillLoop("imap-kill", /*pop3=*/false, testing::FaultRuns(50, 12));
}

TEST_CASE("pop3 drain: SIGKILL at seeded moments deletes nothing that is not kept",
          "[integration][faults]") {
  KillLoop("pop3-kill", /*pop3=*/true, testing::FaultRuns(20, 8));
}

}  // namespace
}  // namespace mailhoard::cli
