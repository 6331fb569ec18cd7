#include "engine/auth/base64.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>

using namespace std::string_literals;

namespace mailhoard::auth {
namespace {

TEST_CASE("Base64 RFC 4648 test vectors") {
  const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    CHECK(Base64Encode(plain) == encoded);
    auto d = Base64Decode(encoded);
    REQUIRE(d.ok());
    CHECK(*d == plain);
  }
}

TEST_CASE("Base64 round-trips every byte value and kilobyte inputs") {
  std::mt19937 rng(42);
  for (size_t len : {1u, 2u, 3u, 255u, 256u, 4096u, 9000u}) {
    std::string s(len, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    auto d = Base64Decode(Base64Encode(s));
    REQUIRE(d.ok());
    CHECK(*d == s);
  }
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  CHECK(*Base64Decode(Base64Encode(all)) == all);
}

TEST_CASE("Base64 decoding is strict") {
  for (const char* bad : {"Zg=", "Zg", "Z===", "====", "Zm9v!A==", "Zm 9v", "Zm9v\r\n",
                          "Zh==", "Zm9=", "Zg==Zg==", "=Zg="}) {
    INFO(bad);
    auto d = Base64Decode(bad);
    CHECK_FALSE(d.ok());
    if (!d.ok()) CHECK(d.status().code() == ErrorCode::kProtocol);
  }
}

TEST_CASE("Base64 accepts only canonical text: any one-character change fails or re-encodes") {
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=- _\r\n.";
  for (std::string plain : {"a", "ab", "abc", "abcd",
                            "user=u\x01"
                            "auth=Bearer t\x01\x01"}) {
    std::string encoded = Base64Encode(plain);
    for (size_t i = 0; i < encoded.size(); ++i) {
      for (char c : alphabet) {
        std::string mutated = encoded;
        mutated[i] = c;
        auto d = Base64Decode(mutated);
        if (d.ok()) CHECK(Base64Encode(*d) == mutated);
      }
    }
  }
}

TEST_CASE("Base64url has no padding and uses - and _") {
  CHECK(Base64UrlEncode("\xfb\xff\xbf"s) == "-_-_");
  CHECK(Base64UrlEncode("f") == "Zg");
  CHECK(Base64Encode("\xfb\xff\xbf"s) == "+/+/");
}

TEST_CASE("Dovecot's XOAUTH2 challenge decodes to its JSON") {
  auto d = Base64Decode("eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIn0=");
  REQUIRE(d.ok());
  CHECK(*d == R"({"status":"401","schemes":"bearer"})");
}

}  // namespace
}  // namespace mailhoard::auth
