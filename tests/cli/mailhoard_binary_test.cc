// Runs the real `mailhoard` executable, as cron would, and checks exit codes
// and what reaches stdout/stderr.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/cli/test_util.h"

namespace mailhoard::cli {
namespace {

using testing::TempDir;
using testing::WriteFile;

struct Run {
  int code;
  std::string out;
  std::string err;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Run Mailhoard(const TempDir& dir, const std::string& args, const std::string& env = "") {
  const std::string cmd = "env HOME='" + dir.path() + "' XDG_CONFIG_HOME= " + env + " '" +
                          MH_MAILHOARD_BIN + "' " + args + " >'" + (dir / "out") + "' 2>'" +
                          (dir / "err") + "'";
  const int status = std::system(cmd.c_str());
  REQUIRE(WIFEXITED(status));
  return {WEXITSTATUS(status), ReadAll(dir / "out"), ReadAll(dir / "err")};
}

const std::string kGood = R"(archive = "~/hoard"
[accounts.work]
host = "mail.example.org"
user = "u"
password_cmd = "echo must-not-run >&2; printf top; echo secret"
)";

TEST_CASE("config check on a good config exits 0 and never runs password_cmd", "[binary]") {
  TempDir dir;
  const std::string config = WriteFile(dir / "c.toml", kGood);
  Run r = Mailhoard(dir, "-c '" + config + "' config check");
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("account work") != std::string::npos);
  CHECK(r.out.find(dir.path() + "/hoard/work") != std::string::npos);
  CHECK(r.out.find("config ok: 1 account") != std::string::npos);
  CHECK(r.out.find("topsecret") == std::string::npos);
  CHECK(r.err.find("must-not-run") == std::string::npos);
  CHECK(r.err.empty());

  Run json = Mailhoard(dir, "--json -c '" + config + "' config check");
  CHECK(json.code == 0);
  CHECK(json.out.find("\"name\": \"work\"") != std::string::npos);
  CHECK(json.out.find("\"source\": \"command\"") != std::string::npos);
}

TEST_CASE("config check finds the default config under $HOME/.config", "[binary]") {
  TempDir dir;
  std::filesystem::create_directories(dir / ".config/mailhoard");
  WriteFile(dir / ".config/mailhoard/config.toml", kGood);
  CHECK(Mailhoard(dir, "config check").code == 0);
  Run xdg = Mailhoard(dir, "config check", "XDG_CONFIG_HOME='" + (dir / "nowhere") + "'");
  CHECK(xdg.code == 2);
  CHECK(xdg.err.find(dir / "nowhere/mailhoard/config.toml") != std::string::npos);
}

TEST_CASE("config check on a bad config exits 2 with a located error", "[binary]") {
  TempDir dir;
  const std::string config = WriteFile(dir / "bad.toml", kGood + "tls = \"tsl\"\n");
  Run r = Mailhoard(dir, "-c '" + config + "' config check");
  CHECK(r.code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "mailhoard: " + config +
                     ":6:7: accounts.work.tls: expected one of implicit, starttls, none, got "
                     "\"tsl\"\n");
  CHECK(Mailhoard(dir, "-c '" + (dir / "missing.toml") + "' config check").code == 2);
}

TEST_CASE("warnings go to stderr and -q silences them", "[binary]") {
  TempDir dir;
  const std::string config = WriteFile(dir / "c.toml", kGood + "tls_verify = false\n");
  Run r = Mailhoard(dir, "-c '" + config + "' config check");
  CHECK(r.code == 0);
  CHECK(r.err.find("mailhoard: warning: ") == 0);
  Run q = Mailhoard(dir, "-q -c '" + config + "' config check");
  CHECK(q.code == 0);
  CHECK(q.err.empty());
  CHECK(q.out.empty());
}

TEST_CASE("config check warns about a missing password file but exits 0", "[binary]") {
  TempDir dir;
  const std::string config =
      WriteFile(dir / "c.toml",
                "archive = \"/tmp/x\"\n[accounts.a]\nhost = \"h\"\nuser = \"u\"\n"
                "password_file = \"~/pw\"\n");
  Run r = Mailhoard(dir, "-c '" + config + "' config check");
  CHECK(r.code == 0);
  CHECK(r.err ==
        "mailhoard: warning: accounts.a.password_file (" + (dir / "pw") + "): does not exist\n");
}

TEST_CASE("config example prints a config that passes config check", "[binary]") {
  TempDir dir;
  Run r = Mailhoard(dir, "config example");
  REQUIRE(r.code == 0);
  WriteFile(dir / "example.toml", r.out);
  CHECK(Mailhoard(dir, "-c '" + (dir / "example.toml") + "' config check").code == 0);
}

TEST_CASE("engine commands without a config exit 2 and say how to start one", "[binary]") {
  TempDir dir;
  for (const char* cmd : {"sync", "status", "folders work", "login work", "search foo", "verify",
                          "export work --mbox x.mbox"}) {
    INFO(cmd);
    Run r = Mailhoard(dir, cmd);
    CHECK(r.code == 2);
    CHECK(r.err.find("cannot read config file " + (dir / ".config/mailhoard/config.toml")) !=
          std::string::npos);
    CHECK(r.err.find("create it with `mailhoard -c " + (dir / ".config/mailhoard/config.toml") +
                     " config init`") != std::string::npos);
    CHECK(r.out.empty());
  }
}

TEST_CASE("usage errors exit 2, --help and --version exit 0", "[binary]") {
  TempDir dir;
  CHECK(Mailhoard(dir, "").code == 2);
  CHECK(Mailhoard(dir, "folders a b").code == 2);  // one ACCOUNT at most
  CHECK(Mailhoard(dir, "search q --limit 0").code == 2);
  CHECK(Mailhoard(dir, "-v -q config check").code == 2);
  Run shard = Mailhoard(dir, "sync --shard 4/4");
  CHECK(shard.code == 2);
  CHECK(shard.err.find("--shard: expected I/N") != std::string::npos);
  CHECK(Mailhoard(dir, "synk").err.find("did you mean \"sync\"") != std::string::npos);
  Run help = Mailhoard(dir, "--help");
  CHECK(help.code == 0);
  CHECK(help.out.find("sync") != std::string::npos);
  Run sync_help = Mailhoard(dir, "sync --help");
  CHECK(sync_help.code == 0);
  CHECK(sync_help.out.find("--dry-run") != std::string::npos);
  Run version = Mailhoard(dir, "--version");
  CHECK(version.code == 0);
  CHECK(version.out.rfind("mailhoard ", 0) == 0);
}

}  // namespace
}  // namespace mailhoard::cli
