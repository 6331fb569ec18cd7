// `mailhoard config init` and `config path` through the real executable, in a
// scratch $HOME: the README's first steps on a fresh account.
#include <sys/stat.h>
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

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_CASE("config init on a fresh account creates the directory and a config that checks",
          "[binary][config_init]") {
  TempDir dir;
  const std::string config = dir / ".config/mailhoard/config.toml";
  Run init = Mailhoard(dir, "config init");
  INFO(init.err);
  CHECK(init.code == 0);
  CHECK(Contains(init.out, "wrote " + config));
  CHECK(Contains(init.out, "mailhoard config check"));
  struct stat st {};
  REQUIRE(::stat(config.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const std::string text = ReadAll(config);
  CHECK(Contains(text, "[accounts.work]"));
  CHECK(Contains(text, "password_cmd = \"pass show mail/work\""));

  Run check = Mailhoard(dir, "config check");
  INFO(check.err);
  CHECK(check.code == 0);
  CHECK(Contains(check.out, "config ok: 1 account"));
}

TEST_CASE("config init never overwrites an existing config", "[binary][config_init]") {
  TempDir dir;
  std::filesystem::create_directories(dir / ".config/mailhoard");
  const std::string config = WriteFile(dir / ".config/mailhoard/config.toml", "# mine\n");
  Run init = Mailhoard(dir, "config init --provider gmail");
  CHECK(init.code == 2);
  CHECK(Contains(init.err, config + " already exists; config init never overwrites"));
  CHECK(ReadAll(config) == "# mine\n");
}

TEST_CASE("config init with a provider, account and user", "[binary][config_init]") {
  TempDir dir;
  for (const std::string provider : {"microsoft365", "gmail"}) {
    const std::string config = dir / (provider + ".toml");
    Run init = Mailhoard(dir, "-c '" + config + "' config init --provider " + provider +
                                  " --account office --user 'alice@example.org'");
    INFO(provider << ": " << init.err);
    CHECK(init.code == 0);
    const std::string text = ReadAll(config);
    CHECK(Contains(text, "[accounts.office]"));
    CHECK(Contains(text, "provider = \"" + provider + "\""));
    CHECK(Contains(text, "user = \"alice@example.org\""));
    CHECK(Contains(text, "mailhoard login office"));
    Run check = Mailhoard(dir, "-c '" + config + "' config check");
    INFO(check.err);
    CHECK(check.code == 0);
  }
}

TEST_CASE("config init rejects a bad provider or account name", "[binary][config_init]") {
  TempDir dir;
  CHECK(Mailhoard(dir, "config init --provider yahoo").code == 2);
  Run bad = Mailhoard(dir, "config init --account ../x");
  CHECK(bad.code == 2);
  CHECK(Contains(bad.err, "--account ../x"));
  CHECK_FALSE(std::filesystem::exists(dir / ".config/mailhoard/config.toml"));
}

TEST_CASE("config path names the file and why", "[binary][config_init]") {
  TempDir dir;
  Run home = Mailhoard(dir, "config path");
  CHECK(home.code == 0);
  CHECK(Contains(home.out, dir / ".config/mailhoard/config.toml\n"));
  CHECK(Contains(home.out, "why: $XDG_CONFIG_HOME is not set, so $HOME/.config"));
  CHECK(Contains(home.out, "exists: no (`mailhoard config init`"));

  Run xdg = Mailhoard(dir, "config path", "XDG_CONFIG_HOME='" + (dir / "xdg") + "'");
  CHECK(Contains(xdg.out, dir / "xdg/mailhoard/config.toml\n"));
  CHECK(Contains(xdg.out, "why: $XDG_CONFIG_HOME is " + (dir / "xdg")));

  const std::string given = WriteFile(dir / "given.toml", "");
  Run c = Mailhoard(dir, "-c '" + given + "' config path");
  CHECK(Contains(c.out, given + "\n"));
  CHECK(Contains(c.out, "why: given with -c/--config"));
  CHECK(Contains(c.out, "exists: yes"));

  Run quiet = Mailhoard(dir, "-q config path");
  CHECK(quiet.out == dir / ".config/mailhoard/config.toml\n");
}

TEST_CASE("a missing config names config init", "[binary][config_init]") {
  TempDir dir;
  Run r = Mailhoard(dir, "config check");
  CHECK(r.code == 2);
  CHECK(Contains(r.err, "config init"));
}

}  // namespace
}  // namespace mailhoard::cli
