// Microsoft 365-style sign-in end to end, through the real `mailhoard`
// binary: `login` runs the device-code flow against a fake identity
// provider speaking Microsoft's JSON; `sync` logs in with XOAUTH2 to a real
// Dovecot that validates tokens at the provider's introspection endpoint;
// tokens that expire during a run are refreshed; a revoked sign-in ends
// with exit code 77 and a "run mailhoard login again" message.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/dovecot_server.h"
#include "tests/support/fake_idp/fake_idp.h"
#include "tests/support/subprocess.h"
#include "tests/support/tcp_proxy.h"
#include "tests/support/wait_until.h"

namespace mailhoard::e2e {
namespace {

namespace fs = std::filesystem;
using mailhoard::testing::DovecotOptions;
using mailhoard::testing::DovecotServer;
using mailhoard::testing::FakeIdp;
using mailhoard::testing::FakeIdpOptions;
using mailhoard::testing::RunCommand;

struct World {
  std::string dir;
  std::unique_ptr<FakeIdp> idp;
  std::unique_ptr<DovecotServer> dovecot;
  mailhoard::testing::TestUser user;

  World() {
    char tmpl[] = "/tmp/mailhoard-oauth-e2e-XXXXXX";
    dir = mkdtemp(tmpl);
    chmod(dir.c_str(), 0755);
    // Dovecot's introspection client speaks plain http to the fake.
    idp = std::make_unique<FakeIdp>(FakeIdpOptions{.tls = false});
    std::string ext = dir + "/dovecot-oauth2.conf.ext";
    std::ofstream(ext) << "introspection_mode = post\nintrospection_url = "
                       << idp->introspection_url()
                       << "\nusername_attribute = username\nactive_attribute = active\n"
                          "active_value = true\n";
    chmod(ext.c_str(), 0644);
    DovecotOptions o;
    o.ssl = false;
    o.extra_config = "auth_mechanisms = xoauth2 oauthbearer\nauth_failure_delay = 0\n";
    o.passdb_override =
        "passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = " + ext +
        "\n}\n";
    dovecot = DovecotServer::Start(o);
    user = dovecot->CreateUser();
  }
  ~World() {
    dovecot.reset();
    idp.reset();
    fs::remove_all(dir);
  }

  std::string WriteConfig(uint16_t port) {
    std::string path = dir + "/config.toml";
    std::string tenant = idp->TenantUrl("organizations");
    std::ofstream(path)
        << "archive = \"" << dir << "/archive\"\n"
        << "[accounts.m365]\nhost = \"127.0.0.1\"\nport = " << port
        << "\ntls = \"none\"\nallow_plaintext = true\nuser = \"" << user.name
        << "\"\nauth = \"xoauth2\"\nconnections = 1\n"
        << "[accounts.m365.oauth]\nflow = \"device\"\nclient_id = \"test-client\"\n"
        << "token_url = \"" << tenant << "/oauth2/v2.0/token\"\n"
        << "device_url = \"" << tenant << "/oauth2/v2.0/devicecode\"\n"
        << "token_file = \"" << dir << "/state/m365.json\"\n"
        << "scopes = [\"https://outlook.office.com/IMAP.AccessAsUser.All\", \"offline_access\"]\n";
    return path;
  }
};

// Waits until the access token stored in `token_file` has expired: the event
// the next run depends on (it must refresh), rather than a guess at how long
// that takes. expires_at is whole seconds rounded down from the moment
// mailhoard received the token, so once the wall clock is past it, the
// provider (which issued the token earlier) has expired it too.
void WaitForAccessTokenExpiry(const std::string& token_file) {
  const int64_t expires_at =
      nlohmann::json::parse(std::ifstream(token_file)).value("expires_at", int64_t{0});
  REQUIRE(expires_at > 0);
  CHECK(mailhoard::testing::WaitUntil([&] { return time(nullptr) > expires_at; }));
}

mailhoard::testing::CommandResult Mailhoard(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {MH_MAILHOARD_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

TEST_CASE("OAuth2: login, sync past token expiry, revoked sign-in", "[integration]") {
  World w;
  for (int i = 0; i < 12; ++i) {
    std::string body(20000, 'x');
    w.dovecot->Deliver(w.user.name, "INBOX",
                       "Subject: m" + std::to_string(i) + "\nMessage-ID: <m" + std::to_string(i) +
                           "@t>\n\n" + body + "\n");
  }
  // Tokens name our user, live 2 s; the device flow approves on the 2nd poll.
  w.idp->Control(nlohmann::json({{"user", w.user.name},
                                 {"access_token_lifetime", 2},
                                 {"approve_after_polls", 2},
                                 {"interval", 1}})
                     .dump());
  // A slow link makes the sync outlive the first token.
  mailhoard::testing::ProxyOptions slow;
  slow.delay = std::chrono::milliseconds(150);
  mailhoard::testing::TcpProxy proxy(w.dovecot->imap_port(), slow);
  std::string config = w.WriteConfig(proxy.port());

  auto login = Mailhoard({"-c", config, "login", "m365"});
  INFO(login.out << login.err);
  REQUIRE(login.exit_code == 0);
  CHECK((login.out + login.err).find("microsoft.com/devicelogin") != std::string::npos);
  std::string token_file = w.dir + "/state/m365.json";
  REQUIRE(fs::exists(token_file));
  CHECK((fs::status(token_file).permissions() & fs::perms::group_all) == fs::perms::none);
  CHECK(login.out.find(nlohmann::json::parse(std::ifstream(token_file))
                           .value("access_token", std::string("?"))) == std::string::npos);
  // As an older version kept it: inside the archive. The sync moves it first.
  const std::string legacy = w.dir + "/archive/m365/.oauth-token.json";
  fs::create_directories(w.dir + "/archive/m365");
  fs::rename(token_file, legacy);

  WaitForAccessTokenExpiry(legacy);  // the access token from login
  auto sync = Mailhoard({"-c", config, "--json", "sync"});
  INFO(sync.out << sync.err);
  REQUIRE(sync.exit_code == 0);
  CHECK(sync.err.find("moved the OAuth token out of the archive") != std::string::npos);
  CHECK_FALSE(fs::exists(legacy));
  CHECK(fs::exists(token_file));
  auto result = nlohmann::json::parse(sync.out);
  CHECK(result["accounts"][0]["fetched"] == 12);

  // The administrator revokes the sign-in; the next run must say so.
  w.idp->Control(R"({"revoke_refresh_tokens": true})");
  WaitForAccessTokenExpiry(token_file);  // the one the sync left: no way in but a refresh
  auto denied = Mailhoard({"-c", config, "sync"});
  INFO(denied.out << denied.err);
  CHECK(denied.exit_code == 77);
  CHECK(denied.err.find("mailhoard login m365") != std::string::npos);
}

}  // namespace
}  // namespace mailhoard::e2e
