// A server that goes silent (a stall, mid-greeting or mid-literal) or sends
// one byte per second (a trickle) through the real binary, with a short
// `timeout` (issue #16): the timeout fires, no run outlives its bound, and
// the next run completes the archive byte for byte.
#include <catch2/catch.hpp>
#include <chrono>
#include <random>

#include "tests/cli/cli_harness.h"
#include "tests/cli/fault_loop_util.h"
#include "tests/support/sanitizers.h"
#include "tests/support/tcp_proxy.h"

namespace mailhoard::cli {
namespace {

using mailhoard::testing::DovecotServer;
using mailhoard::testing::ProxyFault;
using mailhoard::testing::ProxyOptions;
using mailhoard::testing::TcpProxy;
using testing::CliHarness;

constexpr int kTimeoutSeconds = 2;
// Four attempts of one folder that each wait out the timeout, the backoffs
// between them (0.5 + 1 + 2 s), start-up; doubled, and more under ASan.
const std::chrono::milliseconds kBound{mailhoard::testing::kAddressSanitizer ? 60'000 : 30'000};

struct Attack {
  ProxyFault fault;
  bool pop3;
  uint64_t after_bytes;  // 10: in the greeting; 150000: in the big message
  bool every_connection;
  bool tls = false;  // STARTTLS: the offset counts TLS records
};

// One 400 KB message (and a few small ones): a literal / RETR long enough
// that 150000 bytes in is inside it.
void LoadMail(CliHarness& h) {
  h.server().Deliver(h.user().name, "INBOX", testing::FaultMail("big", 400'000));
  for (int i = 0; i < 3; ++i) {
    h.server().Deliver(h.user().name, "INBOX",
                       testing::FaultMail("small" + std::to_string(i), 2000));
  }
}

std::string Keys(bool pop3) {
  return (pop3 ? std::string("protocol = \"pop3\"\npolicy = \"drain\"\n")
               : std::string("connections = 1\n")) +
         "timeout = " + std::to_string(kTimeoutSeconds) + "\n";
}

void ExpectBounded(const Attack& a) {
  DovecotServer& server = DovecotServer::Shared();
  CliHarness h(server);
  LoadMail(h);
  const std::vector<std::string> mail = testing::ServerMessages(h);
  const uint16_t port = a.pop3 ? server.pop3_port() : server.imap_port();
  ProxyOptions po;
  po.fault = a.fault;
  po.cut_after_bytes = a.after_bytes;
  po.cut_connections = a.every_connection ? 1000 : 1;
  TcpProxy proxy(port, po);
  // Plaintext unless asked, so that the offsets land where they say.
  h.SetTls(a.tls ? "starttls" : "none");
  h.WriteConfig(proxy.port(), Keys(a.pop3));
  const testing::BoundedRun run = testing::WaitBounded(h, h.Start({"sync"}), kBound);
  INFO("exit " << run.code << " after " << run.seconds << " s; " << run.err);
  CHECK(proxy.cuts() >= 1);
  CHECK_FALSE(run.hung);
  // The timeout fired: no attempt ended before it.
  CHECK(run.seconds >= kTimeoutSeconds);
  if (a.every_connection) {
    CHECK(run.code == 75);
    CHECK(run.err.find("timed out") != std::string::npos);
  } else {
    CHECK(run.code == 0);  // the retry on a fresh connection got through
  }
  std::string error;
  const std::vector<std::string> archived = testing::ArchivedMessages(h, &error);
  const std::set<std::string> known(mail.begin(), mail.end());
  CHECK(testing::CheckArchive(archived, known, {}).ok());

  // The next run, on a sound connection, completes it.
  h.SetTls("starttls");
  h.WriteConfig(port, Keys(a.pop3));
  mailhoard::testing::CommandResult again = h.Run({"sync"});
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  const testing::ArchiveDamage d =
      testing::CheckArchive(testing::ArchivedMessages(h, &error), known, known);
  INFO(d.first);
  CHECK(d.ok());
  if (a.pop3) {
    CHECK(testing::ServerMessages(h).empty());
  } else {
    CHECK(h.CompareWithServer() == "");
  }
  CHECK(h.Run({"verify"}).exit_code == 0);
}

TEST_CASE("imap: a server that stalls mid-greeting on every connection: exit 75 in bounded time",
          "[integration][faults]") {
  ExpectBounded({ProxyFault::kStall, false, 10, true});
}
TEST_CASE("imap: a stall mid-literal: the timeout fires and the retry completes the run",
          "[integration][faults]") {
  ExpectBounded({ProxyFault::kStall, false, 150'000, false});
}
TEST_CASE("pop3: a server that stalls mid-greeting on every connection: exit 75 in bounded time",
          "[integration][faults]") {
  ExpectBounded({ProxyFault::kStall, true, 10, true});
}
TEST_CASE("pop3: a stall mid-RETR: the timeout fires and the retry completes the run",
          "[integration][faults]") {
  ExpectBounded({ProxyFault::kStall, true, 150'000, false});
}
TEST_CASE("imap: a server that trickles one byte a second mid-greeting: exit 75 in bounded time",
          "[integration][faults]") {
  ExpectBounded({ProxyFault::kTrickle, false, 10, true});
}
TEST_CASE("imap: a trickle of one byte a second mid-literal: the retry completes the run",
          "[integration][faults]") {
  ExpectBounded({ProxyFault::kTrickle, false, 150'000, false});
}
TEST_CASE("imap over STARTTLS: a trickle of one byte a second mid-literal: the retry completes it",
          "[integration][faults]") {
  ExpectBounded({ProxyFault::kTrickle, false, 150'000, false, true});
}
TEST_CASE("pop3: a trickle of one byte a second mid-RETR: the retry completes the run",
          "[integration][faults]") {
  ExpectBounded({ProxyFault::kTrickle, true, 150'000, false});
}

}  // namespace
}  // namespace mailhoard::cli
