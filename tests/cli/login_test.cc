// `mailhoard login` through the real binary: password accounts against the
// test Dovecot; OAuth2 accounts (device code, authorization code + PKCE,
// client credentials) against the fake identity provider.
#include <signal.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_harness.h"
#include "tests/support/fake_idp/fake_idp.h"
#include "tests/support/wait_until.h"

namespace mailhoard::cli {
namespace {

using mailhoard::testing::CommandResult;
using mailhoard::testing::DovecotServer;
using mailhoard::testing::FakeIdp;
using mailhoard::testing::FakeIdpOptions;
using mailhoard::testing::RunCommand;
using testing::ReadFileOrEmpty;
using testing::TempDir;
using testing::WriteFile;

TEST_CASE("login checks a password account's password", "[integration]") {
  testing::CliHarness h(DovecotServer::Shared());
  CommandResult ok = h.Run({"login", "t"});
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out == "t: password accepted for " + h.user().name +
                      " at 127.0.0.1; nothing to store (auth = plain)\n");
  CommandResult bad =
      RunCommand({"env", "MH_TEST_PW=wrong", MH_MAILHOARD_BIN, "-c", h.config(), "login", "t"});
  CHECK(bad.exit_code == 77);
  CHECK(bad.err.find("mailhoard: t: ") != std::string::npos);
}

TEST_CASE("login checks a POP3 account's password, leaving the maildrop as it was",
          "[integration]") {
  DovecotServer& server = DovecotServer::Shared();
  testing::CliHarness h(server);
  server.Deliver(h.user().name, "INBOX", "Subject: stays\r\n\r\nx\r\n");
  h.WriteConfig(server.pop3_port(), "protocol = \"pop3\"\n");
  CommandResult ok = h.Run({"login", "t"});
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out == "t: password accepted for " + h.user().name +
                      " at 127.0.0.1 (POP3); nothing to store (auth = user)\n");
  CHECK(server.Messages(h.user().name, "INBOX").size() == 1);
  CommandResult bad =
      RunCommand({"env", "MH_TEST_PW=wrong", MH_MAILHOARD_BIN, "-c", h.config(), "login", "t"});
  CHECK(bad.exit_code == 77);
}

struct OAuthWorld {
  explicit OAuthWorld(const std::string& idp_config)
      : idp(FakeIdpOptions{.tls = false, .config_json = idp_config}) {}

  // `extra` goes into [accounts.m] (before its [oauth] table), `oauth_extra`
  // into [accounts.m.oauth].
  std::string Config(const std::string& flow, const std::string& extra = "",
                     const std::string& oauth_extra = "") {
    const std::string base = idp.TenantUrl("tenant1");
    return WriteFile(dir / "c.toml",
                     "archive = \"" + (dir / "hoard") +
                         "\"\n[accounts.m]\nhost = \"127.0.0.1\"\nuser = \"user1@example.org\"\n"
                         "auth = \"xoauth2\"\n" +
                         extra + "[accounts.m.oauth]\nflow = \"" + flow +
                         "\"\nclient_id = \"cid\"\nclient_secret_env = \"MH_SECRET\"\n"
                         "token_url = \"" +
                         base + "token\"\ndevice_url = \"" + base +
                         "devicecode\"\nauthorize_url = \"" + base +
                         "authorize\"\nscopes = [\"offline_access\", \"imap\"]\n" + oauth_extra);
  }
  // $XDG_STATE_HOME is the test's own, so the default token place is too.
  std::vector<std::string> Argv(const std::string& config, const std::string& secret,
                                const std::string& command = "login") {
    return {"env",
            "MH_SECRET=" + secret,
            "XDG_STATE_HOME=" + (dir / "state"),
            MH_MAILHOARD_BIN,
            "-c",
            config,
            command,
            "m"};
  }
  std::string TokenPath() { return dir / "state/mailhoard/m.token.json"; }
  std::string LegacyTokenPath() { return dir / "hoard/m/.oauth-token.json"; }
  void ExpectToken(const std::string& path) {
    struct stat st;
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    auto j = nlohmann::json::parse(ReadFileOrEmpty(path));
    CHECK(j.dump().find("at-") != std::string::npos);
  }
  void ExpectToken() {
    ExpectToken(TokenPath());
    struct stat st;
    REQUIRE(stat((dir / "state/mailhoard").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    CHECK_FALSE(std::filesystem::exists(LegacyTokenPath()));
  }
  // What an older mailhoard left: a token inside the archive.
  void WriteLegacyToken() {
    std::filesystem::create_directories(dir / "hoard/m");
    WriteFile(LegacyTokenPath(),
              R"({"version": 1, "access_token": "at-legacy", "expires_at": 4000000000,)"
              R"( "refresh_token": "rt-legacy", "refresh_token_obtained_at": 1800000000,)"
              R"( "scopes": "imap", "grant": "refresh_token"})");
    chmod(LegacyTokenPath().c_str(), 0600);
  }

  FakeIdp idp;
  TempDir dir;
};

TEST_CASE("login with client credentials fetches a token to prove the app works", "[integration]") {
  OAuthWorld w("{}");
  const std::string config = w.Config("client_credentials");
  CommandResult ok = RunCommand(w.Argv(config, "test-secret"));
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out ==
        "m: signed in as user1@example.org (xoauth2, client_credentials); token stored "
        "in " +
            w.TokenPath() + "\n");
  w.ExpectToken();

  std::filesystem::remove(w.TokenPath());
  CommandResult bad = RunCommand(w.Argv(config, "wrong-secret"));
  CHECK(bad.exit_code == 77);
  CHECK_FALSE(std::filesystem::exists(w.TokenPath()));
}

TEST_CASE("login stores the token in a configured token_file", "[integration]") {
  OAuthWorld w("{}");
  const std::string custom = w.dir / "secrets/m-tokens.json";
  const std::string config =
      w.Config("client_credentials", "", "token_file = \"" + custom + "\"\n");
  CommandResult ok = RunCommand(w.Argv(config, "test-secret"));
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("token stored in " + custom + "\n") != std::string::npos);
  w.ExpectToken(custom);
  CHECK_FALSE(std::filesystem::exists(w.TokenPath()));
  CommandResult check = RunCommand({"env", "XDG_STATE_HOME=" + (w.dir / "state"), MH_MAILHOARD_BIN,
                                    "-c", config, "config", "check"});
  CHECK(check.out.find("  tokens:      " + custom + "\n") != std::string::npos);
}

TEST_CASE("a new login removes a token an older version left in the archive", "[integration]") {
  OAuthWorld w("{}");
  w.WriteLegacyToken();
  CommandResult ok = RunCommand(w.Argv(w.Config("client_credentials"), "test-secret"));
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(ok.err == "mailhoard: warning: m: removed the old token file " + w.LegacyTokenPath() +
                      " from the archive; tokens now live in " + w.TokenPath() + "\n");
  w.ExpectToken();
}

TEST_CASE("the first run after an upgrade moves the token out of the archive", "[integration]") {
  OAuthWorld w("{}");
  w.WriteLegacyToken();
  // Nothing listens on port 1: the sync fails after the move, which comes first.
  const std::string config =
      w.Config("device", "port = 1\ntls = \"none\"\nallow_plaintext = true\n");
  CommandResult sync = RunCommand(w.Argv(config, "test-secret", "sync"));
  INFO(sync.err);
  CHECK(sync.exit_code == 75);
  CHECK(sync.err.find("mailhoard: warning: m: moved the OAuth token out of the archive, from " +
                      w.LegacyTokenPath() + " to " + w.TokenPath() + "\n") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(w.LegacyTokenPath()));
  CHECK(nlohmann::json::parse(ReadFileOrEmpty(w.TokenPath()))["refresh_token"] == "rt-legacy");
  struct stat st;
  REQUIRE(stat(w.TokenPath().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // Once moved, there is nothing more to say.
  CommandResult again = RunCommand(w.Argv(config, "test-secret", "sync"));
  CHECK(again.err.find("moved the OAuth token") == std::string::npos);
}

TEST_CASE("login runs the device flow: prints the code, polls, stores the token", "[integration]") {
  OAuthWorld w(R"({"interval": 1, "approve_after_polls": 2})");
  CommandResult ok = RunCommand(w.Argv(w.Config("device"), "test-secret"));
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(ok.err.find("enter the code") != std::string::npos);
  CHECK(ok.err.find("Waiting for the sign-in; Ctrl-C cancels.") != std::string::npos);
  CHECK(ok.out.find("m: signed in as user1@example.org (xoauth2, device); token stored in ") == 0);
  w.ExpectToken();
}

TEST_CASE("login: Ctrl-C ends a device flow that waits, storing nothing", "[integration]") {
  // A poll interval far longer than the check below: ending "at once" must
  // not be mistaken for ending at the next poll.
  OAuthWorld w(R"({"interval": 60, "approve_after_polls": 1000})");
  const std::string err_file = w.dir / "login.err";
  std::vector<std::string> argv = w.Argv(w.Config("device"), "test-secret");
  std::string cmd;
  for (const auto& a : argv) cmd += "'" + a + "' ";
  // exec: the shell's pid is mailhoard's, so the signal reaches it.
  pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", ("exec " + cmd + ">/dev/null 2>'" + err_file + "'").c_str(),
          nullptr);
    _exit(127);
  }
  // The prompt is printed after the handler is installed: from then on a
  // SIGINT is a Ctrl-C, not the default action killing a half-started process.
  const std::string prompt = "Waiting for the sign-in; Ctrl-C cancels.";
  std::string err = mailhoard::testing::WaitForFileContaining(err_file, prompt);
  INFO(err);
  CHECK(err.find(prompt) != std::string::npos);
  kill(pid, SIGINT);
  auto started = std::chrono::steady_clock::now();
  int code = testing::CliHarness::Wait(pid);
  CHECK(code == 77);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));
  CHECK_FALSE(std::filesystem::exists(w.TokenPath()));
}

TEST_CASE("login runs the authorization code flow with a loopback redirect", "[integration]") {
  OAuthWorld w("{}");
  const std::string config = w.Config("auth_code");
  const std::string err_file = w.dir / "login.err";
  std::vector<std::string> argv = w.Argv(config, "test-secret");
  std::string cmd;
  for (const auto& a : argv) cmd += "'" + a + "' ";
  pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c",
          ("exec " + cmd + ">'" + (w.dir / "login.out") + "' 2>'" + err_file + "'").c_str(),
          nullptr);
    _exit(127);
  }
  // The URL line is complete once the wait for the browser is announced.
  std::string err = mailhoard::testing::WaitForFileContaining(err_file, "Waiting for the browser");
  INFO(err);
  size_t at = err.find("  http://");
  size_t end = at == std::string::npos ? at : err.find('\n', at);
  REQUIRE(end != std::string::npos);
  std::string url = err.substr(at + 2, end - at - 2);
  CHECK(url.find("code_challenge_method=S256") != std::string::npos);
  std::string redirect = w.idp.FollowAuthorize(url);  // the browser signs in
  REQUIRE(redirect.rfind("http://127.0.0.1:", 0) == 0);
  CHECK(FakeIdp::Get(redirect) == 200);  // and comes back to mailhoard
  int code = testing::CliHarness::Wait(pid);
  INFO(ReadFileOrEmpty(err_file));
  CHECK(code == 0);
  CHECK(ReadFileOrEmpty(w.dir / "login.out").find("(xoauth2, auth_code); token stored in ") !=
        std::string::npos);
  w.ExpectToken();
}

}  // namespace
}  // namespace mailhoard::cli
