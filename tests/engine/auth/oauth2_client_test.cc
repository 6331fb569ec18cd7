// OAuthClient and OAuthTokenProvider against a scripted HTTP client: exact
// form fields, error words, refresh margin, rotation order.
#include <catch2/catch.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "engine/auth/oauth2_client.h"
#include "engine/auth/token_store.h"
#include "tests/core/fake_clock.h"
#include "tests/engine/auth/test_util.h"

namespace mailhoard::auth {
namespace {

using namespace std::chrono_literals;
using mailhoard::testing::FakeClock;
using test::ScriptedHttp;
using test::TempDir;

struct Fixture {
  ScriptedHttp* http = nullptr;
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  std::shared_ptr<OAuthClient> client;

  explicit Fixture(std::optional<std::string> secret = std::nullopt) {
    auto h = std::make_unique<ScriptedHttp>();
    http = h.get();
    OAuthEndpoints e = MicrosoftEndpoints("contoso.example", "client-123");
    e.client_secret = std::move(secret);
    OAuthClientOptions o;
    o.account = "work";
    o.clock = clock.get();
    client = std::make_shared<OAuthClient>(e, o, std::move(h));
  }
};

std::string TokenJson(const std::string& at, const std::string& rt = "", int expires_in = 3600) {
  std::string j = R"({"token_type":"Bearer","expires_in":)" + std::to_string(expires_in) +
                  R"(,"access_token":")" + at + "\"";
  if (!rt.empty()) j += R"(,"refresh_token":")" + rt + "\"";
  return j + "}";
}

std::string MsError(const std::string& error, long code, const std::string& text) {
  return R"({"error":")" + error + R"(","error_description":"AADSTS)" + std::to_string(code) +
         ": " + text + R"(\r\nTrace ID: abc\r\nCorrelation ID: def","error_codes":[)" +
         std::to_string(code) + "]}";
}

TEST_CASE("Microsoft presets point at the tenant's v2.0 endpoints") {
  auto e = MicrosoftEndpoints("contoso.example", "cid");
  CHECK(e.token_url == "https://login.microsoftonline.com/contoso.example/oauth2/v2.0/token");
  CHECK(e.device_url == "https://login.microsoftonline.com/contoso.example/oauth2/v2.0/devicecode");
  CHECK(e.scopes.find("offline_access") != std::string::npos);
  CHECK(GoogleEndpoints("id", "sec").scopes == "https://mail.google.com/");
}

TEST_CASE("refresh posts the grant and keeps a rotated refresh token") {
  Fixture f;
  f.http->Reply(200, TokenJson("at-2", "rt-2", 3599));
  auto t = f.client->Refresh("rt-1");
  REQUIRE(t.ok());
  CHECK(t->access_token == "at-2");
  CHECK(t->refresh_token == "rt-2");
  CHECK(t->expires_at == f.clock->WallNow() + 3599s);
  REQUIRE(f.http->requests.size() == 1);
  const auto& r = f.http->requests[0];
  CHECK(r.url == "https://login.microsoftonline.com/contoso.example/oauth2/v2.0/token");
  CHECK(r.Field("grant_type") == "refresh_token");
  CHECK(r.Field("refresh_token") == "rt-1");
  CHECK(r.Field("client_id") == "client-123");
  CHECK(r.Field("client_secret") == "");
}

TEST_CASE("refresh without rotation keeps the old refresh token") {
  Fixture f;
  f.http->Reply(200, TokenJson("at-2"));
  CHECK(f.client->Refresh("rt-1")->refresh_token == "rt-1");
}

TEST_CASE("invalid_grant on refresh: sign in again, with the account name") {
  for (long code : {70000L, 700082L, 70008L}) {
    Fixture f;
    f.http->Reply(400, MsError("invalid_grant", code, "The refresh token has expired."));
    auto t = f.client->Refresh("rt-1");
    REQUIRE_FALSE(t.ok());
    CHECK(t.status().code() == ErrorCode::kAuth);
    CHECK(t.status().retry() == RetryClass::kAuth);
    CHECK(t.status().message().starts_with(
        "sign-in expired or revoked: run `mailhoard login work` again"));
    CHECK(t.status().message().find("AADSTS" + std::to_string(code)) != std::string::npos);
    CHECK(t.status().message().find("rt-1") == std::string::npos);
  }
}

TEST_CASE("Microsoft errors in plain words") {
  struct Case {
    std::string body;
    ErrorCode code;
    std::string words;
  };
  const Case cases[] = {
      {MsError("invalid_grant", 65001, "The user or administrator has not consented."),
       ErrorCode::kAuth, "has not been granted consent"},
      {MsError("invalid_request", 90002, "Tenant 'contoso.example' not found."),
       ErrorCode::kInvalidArgument, "tenant 'contoso.example' was not found"},
      {MsError("unauthorized_client", 700016, "Application not found."),
       ErrorCode::kInvalidArgument, "client id client-123"},
      {MsError("invalid_client", 7000215, "Invalid client secret provided."), ErrorCode::kAuth,
       "client secret was rejected"},
      {MsError("invalid_scope", 70011, "The provided scope is not valid."),
       ErrorCode::kInvalidArgument, "permissions were refused"},
  };
  for (const auto& c : cases) {
    INFO(c.body);
    Fixture f;
    f.http->Reply(400, c.body);
    auto t = f.client->ExchangeCode("code", "http://127.0.0.1:1/", "verifier");
    REQUIRE_FALSE(t.ok());
    CHECK(t.status().code() == c.code);
    CHECK(t.status().message().find(c.words) != std::string::npos);
    CHECK(t.status().message().find("Trace ID") == std::string::npos);
  }
}

TEST_CASE("5xx and temporarily_unavailable are transient, a redirect is not followed") {
  Fixture f;
  f.http->Reply(503, "<html>busy</html>");
  f.http->Reply(400, R"({"error":"temporarily_unavailable"})");
  f.http->replies.push_back(HttpResponse{302, "", "https://evil.example/steal"});
  auto a = f.client->Refresh("rt");
  CHECK(a.status().transient());
  CHECK(a.status().message().find("503") != std::string::npos);
  CHECK(f.client->Refresh("rt").status().transient());
  auto c = f.client->Refresh("rt");
  CHECK_FALSE(c.status().transient());
  CHECK(c.status().message().find("redirects are not followed") != std::string::npos);
}

TEST_CASE("client credentials send the secret, without one it is refused locally") {
  Fixture f("s3cret");
  f.http->Reply(200, TokenJson("app-at"));
  auto t = f.client->ClientCredentials();
  REQUIRE(t.ok());
  CHECK(t->refresh_token.empty());
  CHECK(f.http->requests[0].Field("client_secret") == "s3cret");
  CHECK(f.http->requests[0].Field("grant_type") == "client_credentials");
  Fixture g;
  CHECK(g.client->ClientCredentials().status().code() == ErrorCode::kInvalidArgument);
  CHECK(g.http->requests.empty());
}

TEST_CASE("provider serves the stored token until 5 minutes before expiry") {
  TempDir dir;
  Fixture f;
  TokenStore store(dir.File("work.json"));
  StoredToken s;
  s.access_token = "at-1";
  s.refresh_token = "rt-1";
  s.expires_at = f.clock->WallNow() + 10min;
  s.refresh_token_obtained_at = f.clock->WallNow() - 24h;
  REQUIRE(store.Save(s).ok());
  OAuthTokenProvider provider(store, f.client);

  CHECK(*provider.AccessToken() == "at-1");
  f.clock->Advance(4min + 59s);
  CHECK(*provider.AccessToken() == "at-1");
  CHECK(f.http->requests.empty());
  CHECK(*provider.RefreshTokenAge() == std::chrono::seconds(24h + 4min + 59s));

  f.clock->Advance(2s);  // now inside the 5-minute margin
  f.http->Reply(200, TokenJson("at-2", "rt-2"));
  CHECK(*provider.AccessToken() == "at-2");
  REQUIRE(f.http->requests.size() == 1);
  auto saved = store.Load();
  REQUIRE(saved.ok());
  CHECK(saved->access_token == "at-2");
  CHECK(saved->refresh_token == "rt-2");
  CHECK(saved->refresh_token_obtained_at == f.clock->WallNow());
  CHECK(*provider.RefreshTokenAge() == 0s);
  CHECK(*provider.AccessToken() == "at-2");
  CHECK(f.http->requests.size() == 1);
}

TEST_CASE("ForceRefresh renews even a fresh token and uses the rotated refresh token next") {
  TempDir dir;
  Fixture f;
  TokenStore store(dir.File("work.json"));
  StoredToken s;
  s.access_token = "at-1";
  s.refresh_token = "rt-1";
  s.expires_at = f.clock->WallNow() + 1h;
  REQUIRE(store.Save(s).ok());
  OAuthTokenProvider provider(store, f.client);
  f.http->Reply(200, TokenJson("at-2", "rt-2"));
  f.http->Reply(200, TokenJson("at-3"));
  CHECK(*provider.ForceRefresh() == "at-2");
  CHECK(*provider.ForceRefresh() == "at-3");
  CHECK(f.http->requests[1].Field("refresh_token") == "rt-2");
  CHECK(store.Load()->refresh_token == "rt-2");  // not rotated the second time
}

TEST_CASE("a rotated token that cannot be saved is not handed out, the old file works") {
  TempDir dir;
  Fixture f;
  std::string path = dir.File("work.json");
  StoredToken s;
  s.access_token = "at-1";
  s.refresh_token = "rt-1";
  s.expires_at = f.clock->WallNow() - 1s;
  REQUIRE(TokenStore(path).Save(s).ok());
  std::string before = test::ReadFile(path);
  TokenStore failing(path, [](SaveStep step) {
    return step == SaveStep::kRename ? IoError("injected crash before rename") : Status::Ok();
  });
  OAuthTokenProvider provider(failing, f.client);
  f.http->Reply(200, TokenJson("at-2", "rt-2"));
  auto t = provider.AccessToken();
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().message().find("injected") != std::string::npos);
  CHECK(test::ReadFile(path) == before);
}

TEST_CASE("client-credentials accounts renew with the client secret") {
  TempDir dir;
  Fixture f("s3cret");
  TokenStore store(dir.File("app.json"));
  StoredToken s;
  s.grant = "client_credentials";
  s.access_token = "app-1";
  s.expires_at = f.clock->WallNow();
  REQUIRE(store.Save(s).ok());
  OAuthTokenProvider provider(store, f.client);
  f.http->Reply(200, TokenJson("app-2"));
  CHECK(*provider.AccessToken() == "app-2");
  CHECK(f.http->requests[0].Field("grant_type") == "client_credentials");
}

TEST_CASE("provider without a token file says how to sign in") {
  TempDir dir;
  Fixture f;
  OAuthTokenProvider provider(TokenStore(dir.File("none.json")), f.client);
  auto t = provider.AccessToken();
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().code() == ErrorCode::kAuth);
  CHECK(t.status().retry() == RetryClass::kAuth);
  CHECK(t.status().message() == "not signed in: run `mailhoard login work`");
  CHECK(f.http->requests.empty());
}

TEST_CASE("connections asking at once for an expired token cause one refresh") {
  TempDir dir;
  Fixture f;
  TokenStore store(dir.File("work.json"));
  StoredToken s;
  s.access_token = "at-1";
  s.refresh_token = "rt-1";
  s.expires_at = f.clock->WallNow() - 1s;
  REQUIRE(store.Save(s).ok());
  OAuthTokenProvider provider(store, f.client);
  f.http->Reply(200, TokenJson("at-2", "rt-2"));  // a second refresh would fail
  std::vector<std::string> got(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&, i] {
      auto t = provider.AccessToken();
      got[i] = t.ok() ? *t : t.status().ToString();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& g : got) CHECK(g == "at-2");
  CHECK(f.http->requests.size() == 1);
}

TEST_CASE("HTTP errors never show a password in the URL or the query") {
  HttpOptions o;
  o.connect_timeout = 2s;
  auto http = MakeCurlHttpClient(o);
  // Port 1 on loopback: connection refused.
  auto r = http->PostForm("https://user:pw-s3cret@127.0.0.1:1/token?code=c0de-s3cret",
                          {{"client_secret", "cs-s3cret"}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().transient());
  CHECK(r.status().message().find("127.0.0.1:1/token") != std::string::npos);
  CHECK(r.status().message().find("s3cret") == std::string::npos);
}

TEST_CASE("UrlEncode / UrlDecode") {
  CHECK(UrlEncode("a b&c=d/é~") == "a%20b%26c%3Dd%2F%C3%A9~");
  CHECK(*UrlDecode("a+b%20c%2F") == "a b c/");
  CHECK_FALSE(UrlDecode("%2").has_value());
  CHECK_FALSE(UrlDecode("%zz").has_value());
  CHECK(FormEncode({{"k", "v 1"}, {"x", ""}}) == "k=v%201&x=");
}

TEST_CASE("device flow polling stops when cancelled") {
  auto h = std::make_unique<ScriptedHttp>();
  ScriptedHttp* http = h.get();
  OAuthClientOptions o;
  FakeClock clock;
  o.clock = &clock;
  o.cancelled = [&] { return clock.Sleeps() == 2; };
  OAuthClient client(MicrosoftEndpoints("common", "cid"), o, std::move(h));
  http->Reply(400, R"({"error":"authorization_pending"})");
  DeviceAuthorization d;
  d.device_code = "dc";
  auto t = client.PollDeviceFlow(d);
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().code() == ErrorCode::kCancelled);
  REQUIRE(http->requests.size() == 1);
  CHECK(http->requests[0].Field("grant_type") == "urn:ietf:params:oauth:grant-type:device_code");
  CHECK(http->requests[0].Field("device_code") == "dc");
}

TEST_CASE("token and device replies keep their lifetimes within bounds") {
  // Seconds this large once overflowed converting to the clock's nanoseconds.
  const auto now = std::chrono::system_clock::time_point(1'800'000'000s);
  auto t = ParseTokenResponse(R"({"access_token":"a","expires_in":9223372036854775807})", now);
  REQUIRE(t.ok());
  CHECK(t->expires_at == now + kMaxLifetime);
  t = ParseTokenResponse(R"({"access_token":"a","expires_in":"-30"})", now);
  REQUIRE(t.ok());
  CHECK(t->expires_at == now);
  t = ParseTokenResponse(R"({"access_token":"a","expires_in":"3599"})", now);  // v1 endpoints
  REQUIRE(t.ok());
  CHECK(t->expires_at == now + 3599s);
  CHECK(ParseTokenResponse(R"({"expires_in":1})", now).status().code() == ErrorCode::kProtocol);
  CHECK(ParseTokenResponse("[1]", now).status().code() == ErrorCode::kProtocol);

  auto d = ParseDeviceAuthorization(
      R"({"device_code":"dc","user_code":"U","verification_uri":"https://v",)"
      R"("interval":9223372036854775807,"expires_in":9223372036854775807})");
  REQUIRE(d.ok());
  CHECK(d->interval == std::chrono::hours(1));
  CHECK(d->expires_in == kMaxLifetime);
  CHECK(d->message == "To sign in, open https://v and enter the code U");
  d = ParseDeviceAuthorization(
      R"({"device_code":"dc","user_code":"U","verification_url":"https://g","interval":-4})");
  REQUIRE(d.ok());
  CHECK(d->interval == 1s);
  CHECK(d->verification_uri == "https://g");
}

TEST_CASE("static token source") {
  StaticTokenSource s("tok");
  CHECK(*s.AccessToken() == "tok");
  CHECK(s.ForceRefresh().status().retry() == RetryClass::kAuth);
}

}  // namespace
}  // namespace mailhoard::auth
