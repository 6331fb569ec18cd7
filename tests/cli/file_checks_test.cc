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

}  // namespace
}  // namespace mailhoard::cli
