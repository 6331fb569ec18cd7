#include "cli/config_location.h"

#include <catch2/catch.hpp>

#include "tests/cli/test_util.h"

namespace mailhoard::cli {
namespace {

using testing::FakeEnv;

TEST_CASE("LocateConfig: -c wins over the environment", "[config_location]") {
  auto loc = LocateConfig("/etc/m.toml", FakeEnv({{"XDG_CONFIG_HOME", "/x"}, {"HOME", "/h"}}));
  REQUIRE(loc.ok());
  CHECK(loc->path == "/etc/m.toml");
  CHECK(loc->reason == "given with -c/--config");
}

TEST_CASE("LocateConfig: an absolute $XDG_CONFIG_HOME is used", "[config_location]") {
  auto loc = LocateConfig("", FakeEnv({{"XDG_CONFIG_HOME", "/x"}, {"HOME", "/h"}}));
  REQUIRE(loc.ok());
  CHECK(loc->path == "/x/mailhoard/config.toml");
  CHECK(loc->reason == "$XDG_CONFIG_HOME is /x");
}

TEST_CASE("LocateConfig: unset or relative $XDG_CONFIG_HOME falls back to $HOME",
          "[config_location]") {
  auto unset = LocateConfig("", FakeEnv({{"HOME", "/h"}}));
  REQUIRE(unset.ok());
  CHECK(unset->path == "/h/.config/mailhoard/config.toml");
  CHECK(unset->reason == "$XDG_CONFIG_HOME is not set, so $HOME/.config");
  auto relative = LocateConfig("", FakeEnv({{"XDG_CONFIG_HOME", "cfg"}, {"HOME", "/h"}}));
  REQUIRE(relative.ok());
  CHECK(relative->path == "/h/.config/mailhoard/config.toml");
  CHECK(relative->reason.find("relative (\"cfg\")") != std::string::npos);
}

TEST_CASE("LocateConfig: no $HOME and no $XDG_CONFIG_HOME asks for -c", "[config_location]") {
  auto loc = LocateConfig("", FakeEnv({}));
  REQUIRE_FALSE(loc.ok());
  CHECK(loc.status().message().find("pass -c FILE") != std::string::npos);
}

TEST_CASE("StateDir: $XDG_STATE_HOME if absolute, else ~/.local/state", "[config_location]") {
  CHECK(*StateDir(FakeEnv({{"XDG_STATE_HOME", "/s"}, {"HOME", "/h"}})) == "/s/mailhoard");
  CHECK(*StateDir(FakeEnv({{"HOME", "/h"}})) == "/h/.local/state/mailhoard");
  CHECK(*StateDir(FakeEnv({{"XDG_STATE_HOME", "rel"}, {"HOME", "/h"}})) ==
        "/h/.local/state/mailhoard");
  CHECK_FALSE(StateDir(FakeEnv({})).ok());
}

}  // namespace
}  // namespace mailhoard::cli
