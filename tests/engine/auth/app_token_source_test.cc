// AppTokenSource: one client-credentials token per tenant and process,
// renewed before expiry, not renewed for a mailbox's own refusal.
#include "engine/auth/app_token_source.h"

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "tests/engine/auth/test_util.h"
#include "tests/core/fake_clock.h"

namespace mailhoard::auth {
namespace {

using namespace std::chrono_literals;
using mailhoard::testing::FakeClock;
using test::ScriptedHttp;
using test::TempDir;

struct AppFixture {
  TempDir dir;
  ScriptedHttp* http = nullptr;
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  std::shared_ptr<OAuthClient> client;

  AppFixture() {
    auto h = std::make_unique<ScriptedHttp>();
    http = h.get();
    OAuthEndpoints e = MicrosoftEndpoints("contoso.example", "app-123");
    e.scopes = "https://outlook.office365.com/.default";
    e.client_secret = "s3cret";
    OAuthClientOptions o;
    o.account = "contoso";
    o.clock = clock.get();
    client = std::make_shared<OAuthClient>(e, o, std::move(h));
  }
  std::unique_ptr<AppTokenSource> Source() {
    return std::make_unique<AppTokenSource>(TokenStore(dir.File("contoso.json")), client);
  }
  void Reply(const std::string& token, int expires_in = 3600) {
    http->Reply(200, R"({"token_type":"Bearer","expires_in":)" + std::to_string(expires_in) +
                         R"(,"access_token":")" + token + "\"}");
  }
};

TEST_CASE("app token: one request for many mailboxes asking at once", "[tenant]") {
  AppFixture f;
  auto source = f.Source();
  f.Reply("app-1");  // a second request would fail: the script has one reply
  std::vector<std::string> got(16);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&, i] {
      auto t = source->AccessToken();
      got[i] = t.ok() ? *t : t.status().ToString();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& g : got) CHECK(g == "app-1");
  REQUIRE(f.http->requests.size() == 1);
  CHECK(f.http->requests[0].Field("grant_type") == "client_credentials");
  CHECK(f.http->requests[0].Field("scope") == "https://outlook.office365.com/.default");
  CHECK(source->HasToken());
  // Saved like the other tokens, for the next run.
  auto stored = TokenStore(f.dir.File("contoso.json")).Load();
  REQUIRE(stored.ok());
  CHECK(stored->access_token == "app-1");
  CHECK(stored->grant == "client_credentials");
}

TEST_CASE("app token: renewed 5 minutes before expiry, and reused across runs", "[tenant]") {
  AppFixture f;
  f.Reply("app-1", 3600);
  CHECK(*f.Source()->AccessToken() == "app-1");
  // The next run starts from the stored token: no request.
  auto source = f.Source();
  CHECK(*source->AccessToken() == "app-1");
  CHECK(f.http->requests.size() == 1);
  f.clock->Advance(54min);
  CHECK(*source->AccessToken() == "app-1");
  f.clock->Advance(2min);  // 4 minutes left
  f.Reply("app-2");
  CHECK(*source->AccessToken() == "app-2");
  CHECK(f.http->requests.size() == 2);
}

TEST_CASE("app token: a short-lived token is reused for half its life", "[tenant]") {
  AppFixture f;
  auto source = f.Source();
  f.Reply("app-1", 240);  // shorter than the 5-minute margin
  CHECK(*source->AccessToken() == "app-1");
  f.clock->Advance(100s);
  CHECK(*source->AccessToken() == "app-1");
  CHECK(f.http->requests.size() == 1);
  f.clock->Advance(21s);
  f.Reply("app-2", 240);
  CHECK(*source->AccessToken() == "app-2");
  CHECK(f.http->requests.size() == 2);
}

TEST_CASE("app token: a refusal right after issue is the mailbox's, not the token's", "[tenant]") {
  AppFixture f;
  auto source = f.Source();
  f.Reply("app-1");
  CHECK(*source->AccessToken() == "app-1");
  // A mailbox without FullAccess refuses the fresh token: asking for another
  // would not help, and would cost one request per refused mailbox.
  CHECK(*source->ForceRefresh() == "app-1");
  CHECK(f.http->requests.size() == 1);
  // An older token may have been revoked: renewed.
  f.clock->Advance(AppTokenSource::kTrustedAge);
  f.Reply("app-2");
  CHECK(*source->ForceRefresh() == "app-2");
  CHECK(f.http->requests.size() == 2);
}

TEST_CASE("app token: a token loaded from the store is renewed when refused", "[tenant]") {
  AppFixture f;
  f.Reply("app-1");
  CHECK(*f.Source()->AccessToken() == "app-1");
  auto source = f.Source();
  CHECK(*source->AccessToken() == "app-1");
  f.Reply("app-2");
  CHECK(*source->ForceRefresh() == "app-2");
}

TEST_CASE("app token: the endpoint's refusal is returned in plain words", "[tenant]") {
  AppFixture f;
  auto source = f.Source();
  f.http->Reply(
      401,
      R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]})");
  auto t = source->AccessToken();
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().code() == ErrorCode::kAuth);
  CHECK_FALSE(source->HasToken());
}

}  // namespace
}  // namespace mailhoard::auth
