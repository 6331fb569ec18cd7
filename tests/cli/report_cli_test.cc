// Reports by mail through the real binary: a run's report delivered by the
// test Dovecot's submission service (STARTTLS, PLAIN) to an SMTP sink and
// read back; STARTTLS missing on the server refused without a plaintext
// fallback; Microsoft 365's "SMTP AUTH disabled" reply explained, and the
// next route (a sendmail-compatible program) delivering; `report --test`.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <memory>

#include "tests/cli/cli_harness.h"
#include "tests/cli/received_mail.h"
#include "tests/support/smtp_sink.h"

namespace mailhoard::cli::testing {
namespace {

using mailhoard::testing::DovecotOptions;
using mailhoard::testing::DovecotServer;
using mailhoard::testing::SinkMessage;
using mailhoard::testing::SmtpSink;
using mailhoard::testing::SmtpSinkOptions;

// A port nothing listens on: a sync against it fails with a network error.
uint16_t ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

// Dovecot with submission, relaying to its own sink.
struct Submission {
  SmtpSink sink;
  std::unique_ptr<DovecotServer> server;
  mailhoard::testing::TestUser user;
  Submission() {
    DovecotOptions o;
    o.submission_relay_port = sink.port();
    server = DovecotServer::Start(o);
    user = server->CreateUser();
  }
  std::string ReportTable(const std::string& extra = "") const {
    return "\n[report]\nsmtp_host = \"127.0.0.1\"\nsmtp_port = " +
           std::to_string(server->submission_port()) +
           "\nsmtp_tls = \"starttls\"\ntls_ca_file = \"" + server->ca_file() + "\"\nuser = \"" +
           user.name + "\"\npassword_cmd = \"printf %s '" + user.password +
           "'\"\nehlo = \"backup.example.org\"\nfrom = \"hoard@example.org\"\n"
           "to = [\"admin@example.org\", \"ops@example.org\"]\n" +
           extra;
  }
};

TEST_CASE("a failed sync mails its report through Dovecot's submission, naming the failure",
          "[integration]") {
  Submission sub;
  CliHarness h(DovecotServer::Shared(), ClosedPort());
  h.WriteConfig(ClosedPort(), sub.ReportTable());
  auto r = h.Run({"sync"});
  INFO(r.out << r.err << sub.server->log());
  CHECK(r.exit_code == 75);  // the run's own result, not hidden by the report
  auto got = sub.sink.WaitFor(1);
  REQUIRE(got.size() == 1);
  const SinkMessage& m = got[0];
  CHECK(m.from == "hoard@example.org");
  CHECK(m.to == std::vector<std::string>{"admin@example.org", "ops@example.org"});
  CHECK_FALSE(Header(m.data, "Date").empty());
  CHECK(Header(m.data, "Message-ID").find("@backup.example.org>") != std::string::npos);
  CHECK(Header(m.data, "MIME-Version") == "1.0");
  CHECK(Header(m.data, "Content-Type").find("text/plain") != std::string::npos);
  CHECK(Header(m.data, "To").find("admin@example.org") != std::string::npos);
  CHECK(Header(m.data, "Subject").find("FAILED (exit 75, temporary failure) \xE2\x80\x94 t") !=
        std::string::npos);
  std::string body = Body(m);
  INFO(body);
  CHECK(body.find("\nt: 0 new messages (0.0 MB), exit 75 (temporary failure)\n") !=
        std::string::npos);
  // The account's cause, in the words the run printed.
  CHECK(body.find("  error: ") != std::string::npos);
  CHECK(body.find("Connection refused") != std::string::npos);
  // No secret ever travels in a report.
  CHECK(m.data.find(h.user().password) == std::string::npos);
  CHECK(m.data.find(sub.user.password) == std::string::npos);
}

TEST_CASE("a server that offers no STARTTLS gets nothing: no plaintext fallback, a clear error",
          "[integration]") {
  SmtpSink plain;
  CliHarness h(DovecotServer::Shared());
  h.WriteConfig(
      0, "\n[report]\nsmtp_host = \"127.0.0.1\"\nsmtp_port = " + std::to_string(plain.port()) +
             "\nsmtp_tls = \"starttls\"\nwhen = \"always\"\n"
             "from = \"hoard@example.org\"\nto = \"admin@example.org\"\n");
  auto r = h.Run({"sync"});
  INFO(r.out << r.err);
  CHECK(r.exit_code != 0);  // the run was fine; its report was not sent
  CHECK(r.err.find("STARTTLS") != std::string::npos);
  CHECK(r.err.find("could not be sent") != std::string::npos);
  CHECK(plain.messages().empty());
  for (const auto& c : plain.commands()) {
    CHECK(c.rfind("MAIL", 0) != 0);
    CHECK(c.rfind("AUTH", 0) != 0);
  }
  CHECK(h.CompareWithServer() == "");  // the archive itself is complete
}

TEST_CASE(
    "Microsoft 365's SMTP AUTH switched off is said in plain words, and the next route "
    "delivers",
    "[integration]") {
  SmtpSinkOptions o;
  o.auth_reply =
      "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the "
      "Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.";
  SmtpSink exchange(o);
  CliHarness h(DovecotServer::Shared());
  const std::string out_file = h.dir() / "sendmail.out";
  const std::string script =
      WriteFile(h.dir() / "fake-sendmail",
                "#!/bin/sh\necho \"$@\" > '" + out_file + ".args'\ncat > '" + out_file + "'\n");
  chmod(script.c_str(), 0755);
  h.WriteConfig(
      0, "\n[report]\nsmtp_host = \"127.0.0.1\"\nsmtp_port = " + std::to_string(exchange.port()) +
             "\nsmtp_tls = \"none\"\nallow_plaintext = true\nuser = \"me@contoso.com\"\n"
             "password_cmd = \"printf %s pw\"\nwhen = \"always\"\n"
             "from = \"hoard@example.org\"\nto = \"admin@example.org\"\n"
             "[[report.fallback]]\nsendmail = \"" +
             script + "\"\n");
  auto r = h.Run({"sync"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);  // delivered by the fallback
  CHECK(r.err.find("SMTP AUTH") != std::string::npos);
  CHECK(r.err.find("Set-CASMailbox") != std::string::npos);
  std::string sent = ReadFileOrEmpty(out_file);
  CHECK(sent.find("Message-ID:") != std::string::npos);
  CHECK(ReadFileOrEmpty(out_file + ".args").find("admin@example.org") != std::string::npos);
}

TEST_CASE("report --test sends one message by the configured route", "[integration]") {
  Submission sub;
  CliHarness h(DovecotServer::Shared());
  h.WriteConfig(0, sub.ReportTable());
  auto r = h.Run({"report", "--test"});
  INFO(r.out << r.err << sub.server->log());
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("test report sent") != std::string::npos);
  auto got = sub.sink.WaitFor(1);
  REQUIRE(got.size() == 1);
  CHECK(got[0].to.size() == 2);
}

}  // namespace
}  // namespace mailhoard::cli::testing
