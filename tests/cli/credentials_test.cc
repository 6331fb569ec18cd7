#include "cli/credentials.h"

#include <stdlib.h>

#include <catch2/catch.hpp>

#include "tests/cli/test_util.h"

namespace mailhoard::cli {
namespace {

using testing::TempDir;
using testing::WriteFile;

SecretSource Source(SecretSource::Kind kind, std::string value) {
  return SecretSource{kind, std::move(value), "accounts.work.password_x"};
}

constexpr const char* kSecret = "hunter2-s3cr3t";

TEST_CASE("password_cmd: stdout minus one trailing newline", "[credentials]") {
  std::vector<std::string> warnings;
  Result<std::string> s = ResolveSecret(
      Source(SecretSource::Kind::kCommand, "printf 'hunter2-s3cr3t\\n\\n'"), &warnings);
  REQUIRE(s.ok());
  CHECK(*s == "hunter2-s3cr3t\n");  // only one newline is stripped
  s = ResolveSecret(Source(SecretSource::Kind::kCommand, "printf 'pw\\r\\n'"), &warnings);
  REQUIRE(s.ok());
  CHECK(*s == "pw");
  s = ResolveSecret(Source(SecretSource::Kind::kCommand, "printf ' spaced pw '"), &warnings);
  REQUIRE(s.ok());
  CHECK(*s == " spaced pw ");
  CHECK(warnings.empty());
}

TEST_CASE("password_cmd: failure names the key, never the command line or its output",
          "[credentials][secrets]") {
  Result<std::string> s =
      ResolveSecret(Source(SecretSource::Kind::kCommand, "echo hunter2-s3cr3t; exit 3"), nullptr);
  REQUIRE_FALSE(s.ok());
  const std::string m = s.status().message();
  // The command line can hold the secret itself.
  CHECK(m == "accounts.work.password_x: exited with status 3");
  // Nor its output: a command whose text does not contain the printed value.
  s = ResolveSecret(Source(SecretSource::Kind::kCommand, "printf '%s' abc$((1+1))xyz; false"),
                    nullptr);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().message().find("abc2xyz") == std::string::npos);
  CHECK(s.status().message().find("exited with status 1") != std::string::npos);
}

TEST_CASE("password_cmd: empty output, missing command, signal, timeout", "[credentials]") {
  CHECK(ResolveSecret(Source(SecretSource::Kind::kCommand, "true"), nullptr)
            .status()
            .message()
            .find("printed nothing") != std::string::npos);
  CHECK(ResolveSecret(Source(SecretSource::Kind::kCommand, "no-such-cmd-mh 2>/dev/null"), nullptr)
            .status()
            .message()
            .find("exited with status 127 (command not found?)") != std::string::npos);
  CHECK(ResolveSecret(Source(SecretSource::Kind::kCommand, "kill -9 $$"), nullptr)
            .status()
            .message()
            .find("killed by signal 9") != std::string::npos);
  // The command's `sleep 5` is the behaviour under test (a secret command
  // that hangs past command_timeout), not a wait for something to happen.
  SecretOptions quick;
  quick.command_timeout = std::chrono::milliseconds(200);
  Result<std::string> s = ResolveSecret(
      Source(SecretSource::Kind::kCommand, "printf %s%s par tial; sleep 5"), nullptr, quick);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().code() == ErrorCode::kTimeout);
  CHECK(s.status().message().find("partial") == std::string::npos);
}

TEST_CASE("password_file: trailing newline stripped, lax mode warns", "[credentials]") {
  TempDir dir;
  const std::string path = WriteFile(dir / "pw", std::string(kSecret) + "\n", 0600);
  std::vector<std::string> warnings;
  Result<std::string> s = ResolveSecret(Source(SecretSource::Kind::kFile, path), &warnings);
  REQUIRE(s.ok());
  CHECK(*s == kSecret);
  CHECK(warnings.empty());

  WriteFile(path, std::string(kSecret) + "\n", 0644);
  s = ResolveSecret(Source(SecretSource::Kind::kFile, path), &warnings);
  REQUIRE(s.ok());
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] == "accounts.work.password_x (" + path +
                           "): readable by group or others (mode 0644); run chmod 600 on it");
  CHECK(warnings[0].find(kSecret) == std::string::npos);
}

TEST_CASE("password_file: missing or unreadable file names the path", "[credentials]") {
  TempDir dir;
  Result<std::string> s = ResolveSecret(Source(SecretSource::Kind::kFile, dir / "absent"), nullptr);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().message() == "accounts.work.password_x (" + (dir / "absent") +
                                    "): cannot open: No such file or directory");

  const std::string path = WriteFile(dir / "locked", kSecret, 0000);
  s = ResolveSecret(Source(SecretSource::Kind::kFile, path), nullptr);
  if (geteuid() == 0) {
    // root reads mode-000 files; the read succeeds and must return the secret.
    REQUIRE(s.ok());
    CHECK(*s == kSecret);
  } else {
    REQUIRE_FALSE(s.ok());
    CHECK(s.status().message().find(path) != std::string::npos);
    CHECK(s.status().message().find("Permission denied") != std::string::npos);
  }
  // A directory is not a password file.
  s = ResolveSecret(Source(SecretSource::Kind::kFile, dir.path()), nullptr);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().message().find("not a regular file") != std::string::npos);
  WriteFile(dir / "empty", "\n");
  s = ResolveSecret(Source(SecretSource::Kind::kFile, dir / "empty"), nullptr);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().message().find("file is empty") != std::string::npos);
}

TEST_CASE("password_env", "[credentials]") {
  setenv("MH_TEST_SECRET", kSecret, 1);
  Result<std::string> s =
      ResolveSecret(Source(SecretSource::Kind::kEnv, "MH_TEST_SECRET"), nullptr);
  REQUIRE(s.ok());
  CHECK(*s == kSecret);
  unsetenv("MH_TEST_SECRET");
  s = ResolveSecret(Source(SecretSource::Kind::kEnv, "MH_TEST_SECRET"), nullptr);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().message() ==
        "accounts.work.password_x: environment variable MH_TEST_SECRET is not set");
  setenv("MH_TEST_SECRET", "", 1);
  s = ResolveSecret(Source(SecretSource::Kind::kEnv, "MH_TEST_SECRET"), nullptr);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().message().find("is empty") != std::string::npos);
  unsetenv("MH_TEST_SECRET");
}

}  // namespace
}  // namespace mailhoard::cli
