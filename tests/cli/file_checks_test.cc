#include "cli/file_checks.h"

#include <catch2/catch.hpp>

#include "tests/cli/test_util.h"

namespace mailhoard::cli {
namespace {

using testing::TempDir;
using testing::WriteFile;

TEST_CASE("referenced files are checked without being read", "[file_checks]") {
  TempDir dir;
  Config c;
  AccountConfig a;
  a.name = "work";
  a.password = {SecretSource::Kind::kFile, dir / "pw", "accounts.work.password_file"};
  a.tls_ca_file = dir / "ca.pem";
  c.accounts.push_back(a);

  std::vector<std::string> w = CheckReferencedFiles(c);
  REQUIRE(w.size() == 2);
  CHECK(w[0] == "accounts.work.password_file (" + (dir / "pw") + "): does not exist");
  CHECK(w[1] == "accounts.work.tls_ca_file (" + (dir / "ca.pem") + "): does not exist");

  WriteFile(dir / "pw", "secret", 0640);
  WriteFile(dir / "ca.pem", "-----BEGIN CERTIFICATE-----", 0644);  // public: mode is fine
  w = CheckReferencedFiles(c);
  REQUIRE(w.size() == 1);
  CHECK(w[0] == "accounts.work.password_file (" + (dir / "pw") +
                    "): readable by group or others (mode 0640); run chmod 600 on it");

  WriteFile(dir / "pw", "secret", 0600);
  CHECK(CheckReferencedFiles(c).empty());

  c.accounts[0].tls_ca_file = dir.path();
  w = CheckReferencedFiles(c);
  REQUIRE(w.size() == 1);
  CHECK(w[0].find("not a regular file") != std::string::npos);
}

TEST_CASE("password_cmd and password_env reference no file", "[file_checks]") {
  Config c;
  AccountConfig a;
  a.name = "work";
  a.password = {SecretSource::Kind::kCommand, "/does/not/exist", "accounts.work.password_cmd"};
  c.accounts.push_back(a);
  CHECK(CheckReferencedFiles(c).empty());
}

TEST_CASE("a password_env variable that is not set here is warned about", "[file_checks]") {
  Config c;
  AccountConfig a;
  a.name = "work";
  a.password = {SecretSource::Kind::kEnv, "MH_WORK_PW", "accounts.work.password_env"};
  c.accounts.push_back(a);
  auto set = [](const std::string& name) -> std::optional<std::string> {
    if (name == "MH_WORK_PW") return "x";
    return std::nullopt;
  };
  auto unset = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  CHECK(CheckReferencedFiles(c, set).empty());
  std::vector<std::string> w = CheckReferencedFiles(c, unset);
  REQUIRE(w.size() == 1);
  CHECK(w[0].rfind("accounts.work.password_env (MH_WORK_PW): not set here", 0) == 0);
  CHECK(w[0].find("Environment=") != std::string::npos);
}

TEST_CASE("a command that only prints a literal is a secret in the config", "[file_checks]") {
  CHECK(PrintsLiteral("echo hunter2"));
  CHECK(PrintsLiteral("  printf %s 'hunter2'"));
  CHECK(PrintsLiteral("/bin/echo -n hunter2"));
  CHECK_FALSE(PrintsLiteral("pass show mail/work"));
  CHECK_FALSE(PrintsLiteral("echo $(pass show x)"));
  CHECK_FALSE(PrintsLiteral("printf '%s' \"$PW\""));
  CHECK_FALSE(PrintsLiteral("echo x; cat /run/secret"));
  CHECK_FALSE(PrintsLiteral("cat /run/secret | head -1"));
  CHECK_FALSE(PrintsLiteral("echoes hunter2"));
  CHECK_FALSE(PrintsLiteral(""));

  Config c;
  AccountConfig a;
  a.name = "work";
  a.password = {SecretSource::Kind::kCommand, "printf %s 'Lit3ral'", "accounts.work.password_cmd"};
  c.accounts.push_back(a);
  ReportConfig report;
  report.password = {SecretSource::Kind::kCommand, "echo Lit3ral", "report.password_cmd"};
  c.report = report;
  std::vector<std::string> w = CheckReferencedFiles(c);
  REQUIRE(w.size() == 2);
  CHECK(w[0] ==
        "accounts.work.password_cmd: the command only prints text written here, so the secret is "
        "in the config file; ask a password manager instead (e.g. `pass show ...`), or use "
        "accounts.work.password_file or accounts.work.password_env");
  CHECK(w[1].rfind("report.password_cmd: the command only prints", 0) == 0);
  for (const std::string& m : w) CHECK(m.find("Lit3ral") == std::string::npos);
}

}  // namespace
}  // namespace mailhoard::cli
