// A server the config cannot reach as written — an untrusted certificate, a
// plaintext port named as TLS, a host name that does not exist — exits 78
// with a message naming the key to change; following the advice works.
// Runs the real binary against the real Dovecot.
#include <netdb.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/cli/cli_harness.h"

namespace mailhoard::cli {
namespace {

using mailhoard::testing::CommandResult;
using mailhoard::testing::DovecotServer;
using testing::CliHarness;

// The account "t" of `h` with other connection keys than the harness writes.
void WriteAccount(const CliHarness& h, const std::string& connection_keys) {
  testing::WriteFile(h.config(), "archive = \"" + (h.dir() / "hoard") +
                                     "\"\n[accounts.t]\nuser = \"" + h.user().name +
                                     "\"\npassword_env = \"MH_TEST_PW\"\n" + connection_keys);
}

bool Has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST_CASE("an untrusted certificate exits 78 with a fingerprint that, pinned, works",
          "[binary][tls]") {
  DovecotServer& server = DovecotServer::Shared();
  CliHarness h(server);
  server.Deliver(h.user().name, "INBOX", "Subject: pinned\r\n\r\nbody\r\n");
  const std::string connection =
      "host = \"127.0.0.1\"\nport = " + std::to_string(server.imaps_port()) +
      "\ntls = \"implicit\"\n";
  WriteAccount(h, connection);  // no tls_ca_file: the test CA is not trusted

  CommandResult r = h.Run({"sync"});
  INFO(r.err);
  CHECK(r.exit_code == 78);
  CHECK(Has(r.err, "not signed by a CA this machine trusts"));
  CHECK(Has(r.err, "tls_ca_file"));
  CHECK_FALSE(Has(r.err, "some folders failed"));
  std::smatch pin;
  REQUIRE(std::regex_search(r.err, pin, std::regex("tls_fingerprint = \"sha256:[0-9A-F:]{95}\"")));

  CommandResult json = h.Run({"--json", "sync"});
  auto doc = nlohmann::json::parse(json.out);
  CHECK(doc["exit_code"] == 78);
  CHECK(doc["accounts"][0]["exit_code"] == 78);

  // The advice, taken literally, is a working config.
  WriteAccount(h, connection + pin.str() + "\n");
  CommandResult ok = h.Run({"sync"});
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(h.CompareWithServer() == "");

  CommandResult status = h.Run({"status"});
  CHECK(Has(status.out, "exit 78"));
}

TEST_CASE("status names the exit code and its meaning of a failed last run", "[binary][tls]") {
  DovecotServer& server = DovecotServer::Shared();
  CliHarness h(server);
  WriteAccount(h, "host = \"127.0.0.1\"\nport = " + std::to_string(server.imaps_port()) +
                      "\ntls = \"implicit\"\n");
  REQUIRE(h.Run({"sync"}).exit_code == 78);
  CommandResult status = h.Run({"status"});
  INFO(status.out);
  CHECK(Has(status.out, "(exit 78: the server cannot be used as configured)"));
  CHECK(Has(status.out, "tls_fingerprint"));
}

TEST_CASE("implicit TLS against a plaintext port says to use starttls", "[binary][tls]") {
  DovecotServer& server = DovecotServer::Shared();
  CliHarness h(server);
  SECTION("IMAP") {
    WriteAccount(h, "host = \"127.0.0.1\"\nport = " + std::to_string(server.imap_port()) +
                        "\ntls = \"implicit\"\ntls_ca_file = \"" + server.ca_file() + "\"\n");
    CommandResult r = h.Run({"sync"});
    INFO(r.err);
    CHECK(r.exit_code == 78);
    CHECK(Has(r.err, "this port speaks plaintext, not TLS (it greeted \"* OK"));
    CHECK(Has(r.err, "tls = \"starttls\""));
    CHECK(Has(r.err, "993 for IMAP"));
  }
  SECTION("POP3") {
    WriteAccount(h, "protocol = \"pop3\"\nhost = \"127.0.0.1\"\nport = " +
                        std::to_string(server.pop3_port()) +
                        "\ntls = \"implicit\"\ntls_ca_file = \"" + server.ca_file() + "\"\n");
    CommandResult r = h.Run({"sync"});
    INFO(r.err);
    CHECK(r.exit_code == 78);
    CHECK(Has(r.err, "it greeted \"+OK"));
    CHECK(Has(r.err, "995 for POP3"));
  }
}

TEST_CASE("a host name that does not exist exits 78, not 75", "[binary]") {
  // Whether this machine's resolver can say "no such name" (rather than "no
  // resolver reachable", which is rightly temporary) is the machine's.
  addrinfo* res = nullptr;
  int gai = getaddrinfo("no-such-host.invalid", "993", nullptr, &res);
  if (res) freeaddrinfo(res);
  if (gai != EAI_NONAME) {
    WARN("the resolver here does not answer NXDOMAIN for .invalid (" << gai_strerror(gai)
                                                                     << "); skipped");
    return;
  }
  CliHarness h(DovecotServer::Shared());
  WriteAccount(h, "host = \"no-such-host.invalid\"\n");
  CommandResult r = h.Run({"sync"});
  INFO(r.err);
  CHECK(r.exit_code == 78);
  CHECK(Has(r.err, "no such host"));
  CHECK(Has(r.err, "check the host name in the config"));
}

}  // namespace
}  // namespace mailhoard::cli
