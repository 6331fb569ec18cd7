// A broken config must stop every engine command before anything is
// attempted, with exit 2 and the place in the file — what a cron mail
// should say. Runs the real binary; no server needed.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/cli/test_util.h"
#include "tests/support/subprocess.h"

namespace mailhoard::cli {
namespace {

using mailhoard::testing::CommandResult;
using testing::TempDir;
using testing::WriteFile;

CommandResult Mailhoard(const TempDir& dir, const std::string& config,
                        std::vector<std::string> args) {
  std::vector<std::string> argv = {
      "env", "HOME=" + dir.path(), "XDG_CONFIG_HOME=", "P=secret", MH_MAILHOARD_BIN, "-c", config};
  argv.insert(argv.end(), args.begin(), args.end());
  return mailhoard::testing::RunCommand(argv);
}

std::string Config(const TempDir& dir, const std::string& account_body) {
  return WriteFile(dir / "c.toml",
                   "archive = \"" + (dir / "hoard") + "\"\n[accounts.t]\n" + account_body);
}

const std::vector<std::vector<std::string>> kCommands = {
    {"sync"},         {"status"},     {"verify"},
    {"folders", "t"}, {"login", "t"}, {"export", "t", "--mbox", "-"},
    {"search", "x"}};

void ExpectUsageError(const TempDir& dir, const std::string& config, const std::string& where,
                      const std::string& what) {
  for (const auto& args : kCommands) {
    CommandResult r = Mailhoard(dir, config, args);
    INFO(args[0] << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(config + ":" + where + ": ") != std::string::npos);
    CHECK(r.err.find(what) != std::string::npos);
    CHECK(r.out.empty());
  }
}

TEST_CASE("bad configs exit 2 naming file:line:col for every command", "[binary]") {
  TempDir dir;
  SECTION("syntax error") {
    ExpectUsageError(dir, Config(dir, "host = \"x\nuser = \"u\"\n"), "3:10", "syntax error");
  }
  SECTION("unknown key") {
    ExpectUsageError(dir,
                     Config(dir, "host = \"x\"\nuser = \"u\"\npassword_env = \"P\"\nbogus = 1\n"),
                     "6:1", "accounts.t.bogus: unknown key");
  }
  SECTION("no password source") {
    ExpectUsageError(dir, Config(dir, "host = \"x\"\nuser = \"u\"\n"), "2:1",
                     "needs a password source");
  }
  SECTION("password_env holding a shell expansion") {
    ExpectUsageError(dir, Config(dir, "host = \"x\"\nuser = \"u\"\npassword_env = \"$P\"\n"),
                     "5:16", "password_env");
  }
}

// The file is only read when a secret is needed, so this one surfaces at
// sync time, as a local error naming the key and the path (not as exit 2:
// see the report of this change).
TEST_CASE("config check reports every error in one pass, a prefixed line each", "[binary]") {
  TempDir dir;
  const std::string config =
      Config(dir,
             "hots = \"x\"\nuser = \"u\"\npassword_env = \"P\"\n"
             "[accounts.u]\nhost = \"x\"\nport = \"993\"\nuser = \"u\"\n"
             "password_env = \"P\"\n[accounts.v]\nhost = \"x\"\nuser = \"u\"\n");
  CommandResult r = Mailhoard(dir, config, {"config", "check"});
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "mailhoard: " + config +
                     ":3:1: accounts.t.hots: unknown key (did you mean \"host\"?)\n" +
                     "mailhoard: " + config +
                     ":8:8: accounts.u.port: expected an integer from 1 to 65535, got a string\n" +
                     "mailhoard: " + config +
                     ":11:1: [accounts.v]: auth = plain needs a password source: set one of "
                     "password_cmd, password_file, password_env\n");
}

TEST_CASE("with --json every failure still prints a JSON object with the code", "[binary]") {
  TempDir dir;
  const std::string config = Config(dir, "hots = \"x\"\nuser = \"u\"\npassword_env = \"P\"\n");
  for (const auto& args : kCommands) {
    std::vector<std::string> with_json = {"--json"};
    with_json.insert(with_json.end(), args.begin(), args.end());
    CommandResult r = Mailhoard(dir, config, with_json);
    INFO(args[0] << ": " << r.out << r.err);
    CHECK(r.exit_code == 2);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["exit_code"] == 2);
    CHECK(j["error"].get<std::string>().find("accounts.t.hots: unknown key") != std::string::npos);
  }
  CommandResult typo = Mailhoard(dir, config, {"--json", "synk"});
  CHECK(typo.exit_code == 2);
  CHECK(nlohmann::json::parse(typo.out)["error"] ==
        "unknown command \"synk\" (did you mean \"sync\"?)");
  CommandResult bad_option = Mailhoard(dir, config, {"--json", "sync", "--bogus"});
  CHECK(nlohmann::json::parse(bad_option.out)["exit_code"] == 2);
}

TEST_CASE("config check warns of an unset password_env and shows the effective TLS", "[binary]") {
  TempDir dir;
  const std::string config = Config(
      dir, "host = \"imap.example.org\"\nuser = \"u\"\npassword_env = \"MH_NOT_SET_ANYWHERE\"\n");
  CommandResult r = Mailhoard(dir, config, {"config", "check"});
  INFO(r.err << r.out);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("accounts.t.password_env (MH_NOT_SET_ANYWHERE): not set here") !=
        std::string::npos);
  CHECK(r.out.find("server:      imap imap.example.org:993, timeout 60 s") != std::string::npos);
  CHECK(r.out.find("tls:         implicit (TLS from the first byte), TLS 1.2 or later; "
                   "certificate verified against the system's CAs and the host name") !=
        std::string::npos);
}

TEST_CASE("an unreadable password file stops the account's sync, naming key and path", "[binary]") {
  TempDir dir;
  const std::string missing = dir / "no-such-password";
  const std::string config = Config(
      dir, "host = \"127.0.0.1\"\nport = 1\nuser = \"u\"\npassword_file = \"" + missing + "\"\n");
  CommandResult r = Mailhoard(dir, config, {"sync"});
  INFO(r.err);
  CHECK(r.exit_code == 74);
  CHECK(r.err.find("accounts.t.password_file (" + missing + "): cannot open") != std::string::npos);
  CHECK(r.err.find("Connection refused") == std::string::npos);  // stopped before connecting
}

}  // namespace
}  // namespace mailhoard::cli

namespace mailhoard::cli {
namespace {

TEST_CASE("folders on a POP3 account says there is only INBOX, offline", "[binary]") {
  TempDir dir;
  const std::string config =
      Config(dir,
             "protocol = \"pop3\"\nhost = \"127.0.0.1\"\nport = 1\nuser = \"u\"\n"
             "password_env = \"P\"\n");
  CommandResult r = Mailhoard(dir, config, {"folders", "t"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "t: POP3 has only INBOX (no folders to list)\n");
  // Without ACCOUNT: every account, as status and sync do.
  CommandResult all = Mailhoard(dir, config, {"folders"});
  CHECK(all.exit_code == 0);
  CHECK(all.out == "t: POP3 has only INBOX (no folders to list)\n");
  CommandResult json = Mailhoard(dir, config, {"--json", "folders"});
  CHECK(json.out.find("\"accounts\"") != std::string::npos);
  CommandResult unknown = Mailhoard(dir, config, {"folders", "nope"});
  CHECK(unknown.exit_code == 2);
}

}  // namespace
}  // namespace mailhoard::cli
