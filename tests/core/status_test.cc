#include "core/status.h"

#include <catch2/catch.hpp>

namespace mailhoard {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgument("odd: " + std::to_string(n));
  return n / 2;
}

Result<int> Quarter(int n) {
  MH_ASSIGN_OR_RETURN(int half, Half(n));
  MH_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST_CASE("Status carries code, scope, retry class and context") {
  Status ok;
  CHECK(ok.ok());
  Status s = NetworkError("Connection refused").WithContext("connecting to 127.0.0.1:993");
  CHECK_FALSE(s.ok());
  CHECK(s.code() == ErrorCode::kNetwork);
  CHECK(s.transient());
  CHECK(s.ToString() == "network error: connecting to 127.0.0.1:993: Connection refused");
  CHECK(s.WithScope(ErrorScope::kFolder).scope() == ErrorScope::kFolder);
}

TEST_CASE("Result propagates values and errors") {
  CHECK(*Quarter(8) == 2);
  auto r = Quarter(6);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "odd: 3");
}

}  // namespace
}  // namespace mailhoard
