#include <catch2/catch.hpp>

#include "cli/path_expand.h"
#include "cli/suggest.h"
#include "tests/cli/test_util.h"

namespace mailhoard::cli {
namespace {

TEST_CASE("edit distance", "[suggest]") {
  CHECK(EditDistance("", "") == 0);
  CHECK(EditDistance("tls", "tsl") == 1);  // adjacent swap
  CHECK(EditDistance("ca", "abc") == 3);
  CHECK(EditDistance("kitten", "sitting") == 3);
  CHECK(EditDistance("user", "") == 4);
}

TEST_CASE("did you mean only for plausible typos", "[suggest]") {
  constexpr std::string_view keys[] = {"host", "port", "user", "tls", "tls_verify"};
  CHECK(DidYouMean("hots", keys) == "host");
  CHECK(DidYouMean("usr", keys) == "user");
  CHECK(DidYouMean("tls_verfy", keys) == "tls_verify");
  CHECK_FALSE(DidYouMean("password", keys));
  CHECK_FALSE(DidYouMean("to", keys));  // 2 edits of a 3-letter word is not a typo
}

TEST_CASE("path expansion", "[path]") {
  const EnvLookup env = testing::FakeEnv({{"HOME", "/home/a"}, {"X", "xx"}});
  CHECK(*ExpandPath("~", env) == "/home/a");
  CHECK(*ExpandPath("~/Mail", env) == "/home/a/Mail");
  CHECK(*ExpandPath("/p/$X/${X}y/$$", env) == "/p/xx/xxy/$");
  CHECK(*ExpandPath("/no/tilde~here", env) == "/no/tilde~here");
  CHECK_FALSE(ExpandPath("~bob/x", env).ok());
  CHECK(ExpandPath("/$UNSET/x", env).status().message() ==
        "environment variable $UNSET is not set");
  CHECK_FALSE(ExpandPath("/${X", env).ok());
  CHECK_FALSE(ExpandPath("/$1", env).ok());
}

}  // namespace
}  // namespace mailhoard::cli
