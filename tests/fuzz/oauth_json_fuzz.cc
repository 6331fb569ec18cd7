// libFuzzer target for the JSON an identity provider sends (token reply,
// device code reply, OAuth error) and the token file read back from disk.
// Input: byte 0 picks the parser, the rest is the body. Oracles beyond "no
// crash / no sanitizer report" (a huge expires_in once overflowed the clock
// arithmetic): lifetimes stay within kMaxLifetime and the interval within
// [1 s, 1 h]; a description is one line of at most 300 bytes.
#include <chrono>
#include <cstdint>
#include <string>

#include "engine/auth/oauth2_client.h"
#include "engine/auth/token_store.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using mailhoard::fuzz::Check;
namespace auth = mailhoard::auth;

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 64 * 1024) return 0;
  const uint8_t which = data[0] % 4;
  const std::string_view body = mailhoard::fuzz::AsText(data + 1, size - 1);
  switch (which) {
    case 0: {
      auto t = auth::ParseTokenResponse(body, kNow);
      if (t.ok()) {
        Check(!t->access_token.empty());
        Check(t->expires_at >= kNow && t->expires_at <= kNow + auth::kMaxLifetime);
      }
      break;
    }
    case 1: {
      auto d = auth::ParseDeviceAuthorization(body);
      if (d.ok()) {
        Check(d->interval >= std::chrono::seconds(1) && d->interval <= std::chrono::hours(1));
        Check(d->expires_in >= std::chrono::seconds(0) && d->expires_in <= auth::kMaxLifetime);
        Check(!d->device_code.empty() && !d->message.empty());
      }
      break;
    }
    case 2: {
      auto e = auth::ParseOAuthError(400, body);
      if (e) {
        Check(e->description.size() <= 300);
        Check(e->description.find_first_of("\r\n") == std::string::npos);
        auth::OAuthEndpoints endpoints = auth::MicrosoftEndpoints("common", "client");
        for (bool refreshing : {false, true}) {
          auto s = auth::OAuthErrorToStatus(*e, endpoints, "acct", refreshing);
          Check(!s.ok());
        }
      }
      break;
    }
    default: {
      auto t = auth::ParseStoredToken(body, "/fuzz/token.json");
      if (!t.ok()) Check(t.status().message().find("/fuzz/token.json") != std::string::npos);
      break;
    }
  }
  return 0;
}
