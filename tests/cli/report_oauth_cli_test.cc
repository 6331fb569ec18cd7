// Reports sent with an account's OAuth2 sign-in, through the real binary:
// Dovecot's submission service, in its own instance whose oauth2 passdb asks
// the fake identity provider's introspection endpoint (as the IMAP OAuth
// tests do), takes XOAUTH2 or OAUTHBEARER after STARTTLS and relays to an
// SMTP sink that the test reads back. The same instance serves the
// account's IMAP, so the sync and the report share one sign-in.
//
// A token the server refuses (Dovecot: 334 with {"status":"401"} then
// 535 5.7.8) is refreshed once and the report goes out; a revoked sign-in
// leaves the report unsent, recorded as such, with a non-zero exit.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "storage/index/index.h"
#include "tests/cli/received_mail.h"
#include "tests/cli/test_util.h"
#include "tests/support/dovecot_server.h"
#include "tests/support/fake_idp/fake_idp.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/subprocess.h"

namespace mailhoard::cli::testing {
namespace {

using mailhoard::testing::DovecotOptions;
using mailhoard::testing::DovecotServer;
using mailhoard::testing::FakeIdp;
using mailhoard::testing::FakeIdpOptions;
using mailhoard::testing::SinkMessage;
using mailhoard::testing::SmtpSink;

struct OAuthSubmission {
  TempDir dir;
  SmtpSink sink;
  std::unique_ptr<FakeIdp> idp;
  std::unique_ptr<DovecotServer> dovecot;
  mailhoard::testing::TestUser user;

  OAuthSubmission() {
    // Dovecot's auth process runs unprivileged and reads the passdb file here.
    chmod(dir.path().c_str(), 0755);
    idp = std::make_unique<FakeIdp>(FakeIdpOptions{.tls = false});
    std::string ext =
        WriteFile(dir / "dovecot-oauth2.conf.ext",
                  "introspection_mode = post\nintrospection_url = " + idp->introspection_url() +
                      "\nusername_attribute = username\nactive_attribute = active\n"
                      "active_value = true\n",
                  0644);
    DovecotOptions o;
    o.submission_relay_port = sink.port();
    // Both bearer mechanisms on offer: the route pins the one configured
    // (libcurl alone would take OAUTHBEARER). The acl plugin lets one folder
    // be listed but not read, the folder that fails in the report.
    o.extra_config =
        "auth_mechanisms = xoauth2 oauthbearer\nauth_failure_delay = 0\n"
        "protocol imap {\n  mail_plugins = zlib imap_zlib acl imap_acl\n}\n"
        "plugin {\n  acl = vfile\n}\n";
    o.passdb_override =
        "passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = " + ext +
        "\n}\n";
    dovecot = DovecotServer::Start(o);
    user = dovecot->CreateUser();
    idp->Control(
        nlohmann::json({{"user", user.name}, {"approve_after_polls", 1}, {"interval", 1}}).dump());
  }

  std::string config() const { return dir / "config.toml"; }
  std::string token_file() const { return dir / "state/work.json"; }

  // The account on this Dovecot's IMAP; the report through its submission
  // service with `mechanism`, or to 127.0.0.1:smtp_port without TLS.
  void WriteConfig(const std::string& mechanism, uint16_t smtp_port = 0) const {
    std::string tenant = idp->TenantUrl("organizations");
    std::string route = smtp_port == 0
                            ? "smtp_port = " + std::to_string(dovecot->submission_port()) +
                                  "\nsmtp_tls = \"starttls\"\ntls_ca_file = \"" +
                                  dovecot->ca_file() + "\""
                            : "smtp_port = " + std::to_string(smtp_port) +
                                  "\nsmtp_tls = \"none\"\nallow_plaintext = true";
    WriteFile(config(),
              "archive = \"" + dir.path() +
                  "/archive\"\n"
                  "[accounts.work]\nhost = \"127.0.0.1\"\nport = " +
                  std::to_string(dovecot->imap_port()) +
                  "\ntls = \"none\"\nallow_plaintext = true\nuser = \"" + user.name +
                  "\"\nauth = \"xoauth2\"\nconnections = 1\n"
                  "[accounts.work.oauth]\nflow = \"device\"\nclient_id = \"test-client\"\n"
                  "token_url = \"" +
                  tenant + "/oauth2/v2.0/token\"\ndevice_url = \"" + tenant +
                  "/oauth2/v2.0/devicecode\"\ntoken_file = \"" + token_file() +
                  "\"\nscopes = [\"https://outlook.office.com/IMAP.AccessAsUser.All\", "
                  "\"offline_access\"]\n"
                  "[report]\nsmtp_host = \"127.0.0.1\"\n" +
                  route + "\nauth = \"" + mechanism +
                  "\"\noauth_account = \"work\"\nehlo = \"backup.example.org\"\n"
                  "from = \"hoard@example.org\"\nto = [\"admin@example.org\", "
                  "\"ops@example.org\"]\nwhen = \"always\"\n");
  }

  mailhoard::testing::CommandResult Run(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {MH_MAILHOARD_BIN, "-c", config()};
    argv.insert(argv.end(), args.begin(), args.end());
    return mailhoard::testing::RunCommand(argv);
  }

  void Login() const {
    auto r = Run({"login", "work"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  }

  // A folder the server lists but will not open: SELECT gets
  // "NO [NOPERM] Permission denied" (the acl plugin, lookup right only).
  void AddUnreadableFolder(const std::string& name) {
    dovecot->CreateFolder(user.name, name);
    dovecot->Deliver(user.name, name, "Subject: hidden\n\nhidden\n");
    std::string acl = dovecot->MaildirPath(user.name) + "/." + name + "/dovecot-acl";
    WriteFile(acl, "owner l\n", 0644);
  }

  int Refreshes() {
    auto state = nlohmann::json::parse(idp->State());
    return state["stats"]["grants"].value("refresh_token", 0);
  }

  // Dovecot's login process logs "Info: Login: user=<u>, method=XOAUTH2, …".
  int SubmissionLogins(const std::string& method) const {
    std::string log = dovecot->log(), needle = "method=" + method;
    int n = 0;
    for (size_t at = log.find("submission-login: Info: Login: "); at != std::string::npos;
         at = log.find("submission-login: Info: Login: ", at + 1)) {
      std::string line = log.substr(at, log.find('\n', at) - at);
      if (line.find(needle) != std::string::npos) ++n;
    }
    return n;
  }

  std::vector<index::RunRecord> Runs() const {
    index::IndexOptions o;
    o.create_if_missing = false;
    auto idx = index::Index::Open(dir.path() + "/archive/work/.mailhoard.sqlite", o);
    REQUIRE(idx.ok());
    auto runs = (*idx)->ListRuns(10);
    REQUIRE(runs.ok());
    return *runs;
  }
};

TEST_CASE(
    "an XOAUTH2 report goes out through Dovecot submission: headers, counts, the failing "
    "folder and its cause",
    "[integration]") {
  OAuthSubmission w;
  for (int i = 0; i < 3; ++i) {
    w.dovecot->Deliver(w.user.name, "INBOX",
                       "Subject: m" + std::to_string(i) + "\nMessage-ID: <m" + std::to_string(i) +
                           "@t>\n\nbody " + std::to_string(i) + "\n");
  }
  w.AddUnreadableFolder("Secret");
  w.WriteConfig("xoauth2");
  w.Login();

  auto r = w.Run({"sync"});
  INFO(r.out << r.err << w.dovecot->log());
  CHECK(r.exit_code == 1);  // one folder failed: partial
  auto got = w.sink.WaitFor(1);
  REQUIRE(got.size() == 1);
  const SinkMessage& m = got[0];
  CHECK(m.from == "hoard@example.org");
  CHECK(m.to == std::vector<std::string>{"admin@example.org", "ops@example.org"});
  CHECK_FALSE(Header(m.data, "Date").empty());
  CHECK(Header(m.data, "Message-ID").find("@backup.example.org>") != std::string::npos);
  CHECK(Header(m.data, "MIME-Version") == "1.0");
  CHECK(Header(m.data, "Content-Type") == "text/plain; charset=UTF-8");
  CHECK(Header(m.data, "Auto-Submitted") == "auto-generated");
  CHECK(Header(m.data, "Subject")
            .find("FAILED (exit 1, some folders or messages failed) "
                  "\xE2\x80\x94 work") != std::string::npos);
  std::string body = Body(m);
  INFO(body);
  CHECK(body.find("work: 3 new messages") != std::string::npos);
  CHECK(body.find("  INBOX: 3 new messages") != std::string::npos);
  // The failing folder, and Dovecot's own reason for it, on one line.
  size_t line = body.find("  Secret: FAILED: ");
  REQUIRE(line != std::string::npos);
  std::string cause = body.substr(line, body.find('\n', line) - line);
  CHECK(cause.find("Permission denied") != std::string::npos);
  CHECK(w.SubmissionLogins("XOAUTH2") == 1);
  // No token travels in a report.
  auto token = nlohmann::json::parse(std::ifstream(w.token_file()));
  CHECK(m.data.find(token.value("access_token", std::string("?"))) == std::string::npos);
  CHECK(m.data.find(token.value("refresh_token", std::string("?"))) == std::string::npos);
  auto runs = w.Runs();
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].report == index::ReportState::kSent);
}

TEST_CASE(
    "a bearer token the submission server refuses is refreshed once and the report is "
    "delivered, and OAUTHBEARER when configured",
    "[integration]") {
  OAuthSubmission w;
  w.WriteConfig("xoauth2");
  w.Login();
  int before = w.Refreshes();
  // The stored token still looks valid here; only the server knows better.
  w.idp->Control(R"({"expire_access_tokens": true})");
  auto r = w.Run({"report", "--test"});
  INFO(r.out << r.err << w.dovecot->log());
  CHECK(r.exit_code == 0);
  CHECK(w.Refreshes() == before + 1);
  CHECK(w.sink.WaitFor(1).size() == 1);
  CHECK(w.SubmissionLogins("XOAUTH2") == 1);

  w.WriteConfig("oauthbearer");
  auto bearer = w.Run({"report", "--test"});
  INFO(bearer.out << bearer.err);
  CHECK(bearer.exit_code == 0);
  CHECK(bearer.out.find("OAUTHBEARER") != std::string::npos);
  CHECK(w.sink.WaitFor(2).size() == 2);
  CHECK(w.SubmissionLogins("OAUTHBEARER") == 1);
  CHECK(w.Refreshes() == before + 1);  // the refreshed token was kept and reused
}

TEST_CASE(
    "Exchange's 535 5.7.3 to a bearer token, with no challenge: refreshed exactly once, then a "
    "clear error",
    "[integration]") {
  OAuthSubmission w;
  w.WriteConfig("xoauth2");
  w.Login();
  mailhoard::testing::SmtpSinkOptions o;
  o.auth_reply =
      "535 5.7.3 Authentication unsuccessful [SN4PR0201CA0067.namprd02.prod.outlook.com]";
  SmtpSink exchange(o);
  w.WriteConfig("xoauth2", exchange.port());
  int before = w.Refreshes();
  auto r = w.Run({"report", "--test"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 77);
  CHECK(r.err.find("token rejected by the SMTP server") != std::string::npos);
  CHECK(r.err.find("535 5.7.3 Authentication unsuccessful") != std::string::npos);
  CHECK(w.Refreshes() == before + 1);
  int auths = 0;
  for (const auto& c : exchange.commands()) auths += c.rfind("AUTH XOAUTH2", 0) == 0;
  CHECK(auths == 2);  // the stored token, then the refreshed one; no third try
  CHECK(exchange.messages().empty());
}

TEST_CASE(
    "a revoked sign-in: the report is not sent, says to log in again, is recorded unsent, "
    "and the exit is non-zero",
    "[integration]") {
  OAuthSubmission w;
  w.dovecot->Deliver(w.user.name, "INBOX", "Subject: a\n\na\n");
  w.WriteConfig("xoauth2");
  w.Login();
  auto first = w.Run({"sync"});
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  REQUIRE(w.sink.WaitFor(1).size() == 1);

  w.idp->Control(R"({"revoke_refresh_tokens": true, "expire_access_tokens": true})");
  auto r = w.Run({"sync"});
  INFO(r.out << r.err << w.dovecot->log());
  CHECK(r.exit_code == 77);
  CHECK(r.err.find("mailhoard login work") != std::string::npos);
  CHECK(r.err.find("the report of this run could not be sent") != std::string::npos);
  CHECK(w.sink.messages().size() == 1);  // nothing new
  auto runs = w.Runs();
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].exit_code == 77);
  CHECK(runs[0].report == index::ReportState::kFailed);
  CHECK(runs[0].report_error.find("mailhoard login work") != std::string::npos);

  auto test = w.Run({"report", "--test"});
  INFO(test.out << test.err);
  CHECK(test.exit_code == 77);
  CHECK(test.err.find("mailhoard login work") != std::string::npos);
}

TEST_CASE(
    "login of a microsoft365 account asks for SMTP.Send when a [report] sends with it, and "
    "only then",
    "[integration]") {
  FakeIdp idp(FakeIdpOptions{.tls = false});
  idp.Control(R"({"approve_after_polls": 1, "interval": 1})");
  TempDir dir;
  std::string tenant = idp.TenantUrl("organizations");
  const std::string account =
      "archive = \"" + dir.path() +
      "/archive\"\n[accounts.work]\nprovider = \"microsoft365\"\nuser = \"me@contoso.com\"\n"
      "[accounts.work.oauth]\nclient_id = \"cid\"\ntoken_url = \"" +
      tenant + "/oauth2/v2.0/token\"\ndevice_url = \"" + tenant +
      "/oauth2/v2.0/devicecode\"\ntoken_file = \"" + dir.path() + "/work.json\"\n";
  const std::string report =
      "[report]\nsmtp_host = \"smtp.office365.com\"\nfrom = \"me@contoso.com\"\n"
      "to = \"me@contoso.com\"\nauth = \"xoauth2\"\noauth_account = \"work\"\n";
  // The token endpoint echoes the scopes asked for; the token file keeps them.
  auto login_scopes = [&](const std::string& config) {
    WriteFile(dir / "config.toml", config);
    auto r = mailhoard::testing::RunCommand(
        {MH_MAILHOARD_BIN, "-c", dir / "config.toml", "login", "work"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    return std::make_pair(
        nlohmann::json::parse(std::ifstream(dir / "work.json")).value("scopes", std::string()),
        r.err);
  };
  auto [with_report, said] = login_scopes(account + report);
  CHECK(with_report ==
        "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send "
        "offline_access");
  CHECK(said.find("also asking for https://outlook.office.com/SMTP.Send") != std::string::npos);
  auto [without, quiet] = login_scopes(account);
  CHECK(without == "https://outlook.office.com/IMAP.AccessAsUser.All offline_access");
  CHECK(quiet.find("SMTP.Send") == std::string::npos);
}

TEST_CASE("454 4.7.0 to AUTH is a temporary failure: exit 75, try again later", "[integration]") {
  mailhoard::testing::SmtpSinkOptions o;
  o.auth_reply = "454 4.7.0 Temporary authentication failure";
  SmtpSink server(o);
  TempDir dir;
  WriteFile(dir / "config.toml",
            "archive = \"" + dir.path() +
                "/archive\"\n[accounts.t]\nhost = \"127.0.0.1\"\nuser = \"u\"\n"
                "password_cmd = \"printf %s pw\"\n"
                "[report]\nsmtp_host = \"127.0.0.1\"\nsmtp_port = " +
                std::to_string(server.port()) +
                "\nsmtp_tls = \"none\"\nallow_plaintext = true\nuser = \"me@example.org\"\n"
                "password_cmd = \"printf %s pw\"\nfrom = \"hoard@example.org\"\n"
                "to = \"admin@example.org\"\n");
  auto r = mailhoard::testing::RunCommand(
      {MH_MAILHOARD_BIN, "-c", dir / "config.toml", "report", "--test"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 75);
  CHECK(r.err.find("454 4.7.0") != std::string::npos);
  CHECK(r.err.find("tries again") != std::string::npos);
  CHECK(server.messages().empty());
}

}  // namespace
}  // namespace mailhoard::cli::testing
