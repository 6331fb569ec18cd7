// OAuth2 over real HTTPS (libcurl, verified against the fake's per-run CA)
// with the fake identity provider: device code, refresh with rotation,
// revocation, client credentials, authorization code + PKCE, error words.
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "engine/auth/oauth2_auth_code.h"
#include "engine/auth/oauth2_client.h"
#include "engine/auth/token_store.h"
#include "tests/engine/auth/test_util.h"
#include "tests/core/fake_clock.h"
#include "tests/support/fake_idp/fake_idp.h"

namespace mailhoard::auth {
namespace {

using namespace std::chrono_literals;
using mailhoard::testing::FakeClock;
using mailhoard::testing::FakeIdp;
using test::TempDir;

FakeIdp& Idp() {
  static FakeIdp idp;
  return idp;
}

OAuthEndpoints Endpoints(const std::string& tenant = "contoso",
                         std::optional<std::string> secret = std::nullopt) {
  std::string base = Idp().TenantUrl(tenant);
  OAuthEndpoints e;
  e.device_url = base + "devicecode";
  e.token_url = base + "token";
  e.authorize_url = base + "authorize";
  e.scopes = "offline_access https://outlook.office.com/IMAP.AccessAsUser.All";
  e.client_id = "client-123";
  e.client_secret = std::move(secret);
  e.tenant = tenant;
  return e;
}

// `clock` (a FakeClock: device polling takes no real time) or the real one.
std::shared_ptr<OAuthClient> Client(FakeClock* clock = nullptr, OAuthEndpoints e = Endpoints()) {
  OAuthClientOptions o;
  o.http.ca_file = Idp().ca_file();
  o.http.connect_timeout = 5s;
  o.http.total_timeout = 10s;
  o.account = "work";
  if (clock) o.clock = clock;
  return std::make_shared<OAuthClient>(std::move(e), std::move(o));
}

// Restores the fake's defaults around each test.
struct Reset {
  explicit Reset(const std::string& config = "{}") {
    Idp().Control(R"({"approve_after_polls":3,"device_deny":false,"device_expire":false,
      "slow_down_once":false,"rotate_refresh_tokens":true,"rotation_revokes_old":false,
      "fail_next":null,"delay":0,"interval":5,"expires_in":900,"access_token_lifetime":3600})");
    Idp().Control(config);
  }
};

TEST_CASE("device flow: approved on the third poll, honouring the interval") {
  Reset reset;
  FakeClock clock(std::chrono::system_clock::now());
  auto client = Client(&clock);
  auto start = std::chrono::steady_clock::now();
  auto d = client->StartDeviceFlow();
  REQUIRE(d.ok());
  CHECK(d->user_code.size() == 8);
  CHECK(d->verification_uri == "https://microsoft.com/devicelogin");
  CHECK(d->interval == 5s);
  CHECK(d->expires_in == 900s);
  CHECK(d->message.find(d->user_code) != std::string::npos);
  auto t = client->PollDeviceFlow(*d);
  REQUIRE(t.ok());
  CHECK(t->access_token.starts_with("at-"));
  CHECK(t->refresh_token.starts_with("rt-"));
  CHECK(clock.Slept() == std::vector<std::chrono::milliseconds>{5s, 5s, 5s});
  CHECK(std::chrono::steady_clock::now() - start < 5s);  // no real waiting
}

TEST_CASE("device flow: slow_down adds 5 seconds to the interval") {
  Reset reset(R"({"slow_down_once":true})");
  FakeClock clock(std::chrono::system_clock::now());
  auto client = Client(&clock);
  auto d = client->StartDeviceFlow();
  REQUIRE(d.ok());
  auto t = client->PollDeviceFlow(*d);
  REQUIRE(t.ok());
  CHECK(clock.Slept() == std::vector<std::chrono::milliseconds>{5s, 10s, 10s});
}

TEST_CASE("device flow: expired_token and access_denied are plain-words kAuth errors") {
  {
    Reset reset(R"({"device_expire":true})");
    FakeClock clock(std::chrono::system_clock::now());
    auto client = Client(&clock);
    auto t = client->PollDeviceFlow(*client->StartDeviceFlow());
    REQUIRE_FALSE(t.ok());
    CHECK(t.status().code() == ErrorCode::kAuth);
    CHECK(t.status().message().find("code expired") != std::string::npos);
  }
  {
    Reset reset(R"({"device_deny":true})");
    FakeClock clock(std::chrono::system_clock::now());
    auto client = Client(&clock);
    auto t = client->PollDeviceFlow(*client->StartDeviceFlow());
    REQUIRE_FALSE(t.ok());
    CHECK(t.status().code() == ErrorCode::kAuth);
    CHECK(t.status().message().find("declined") != std::string::npos);
  }
}

TEST_CASE("device flow: gives up when expires_in passes on the clock") {
  Reset reset(R"({"approve_after_polls":1000,"expires_in":12})");
  FakeClock clock(std::chrono::system_clock::now());
  auto client = Client(&clock);
  auto t = client->PollDeviceFlow(*client->StartDeviceFlow());
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().message().find("code expired") != std::string::npos);
  CHECK(clock.Sleeps() == 3);
}

// Signs in through the device flow and stores the result.
std::string SignIn(TokenStore& store) {
  FakeClock clock(std::chrono::system_clock::now());
  auto client = Client(&clock);
  auto d = client->StartDeviceFlow();
  REQUIRE(d.ok());
  Idp().Control(R"({"approve_after_polls":1})");
  auto t = client->PollDeviceFlow(*d);
  REQUIRE(t.ok());
  REQUIRE(store.Save(ToStoredToken(*t, std::chrono::system_clock::now())).ok());
  return t->refresh_token;
}

TEST_CASE("refresh with rotation persists the new refresh token") {
  Reset reset(R"({"rotation_revokes_old":true})");
  TempDir dir;
  TokenStore store(dir.File("work.json"));
  auto client = Client(nullptr);
  std::string rt1 = SignIn(store);
  OAuthTokenProvider provider(store, client);
  auto first = provider.AccessToken();
  REQUIRE(first.ok());  // fresh: no refresh needed
  auto forced = provider.ForceRefresh();
  REQUIRE(forced.ok());
  CHECK(*forced != *first);
  auto saved = store.Load();
  REQUIRE(saved.ok());
  CHECK(saved->refresh_token != rt1);
  CHECK(saved->access_token == *forced);
  // The old token is dead at this fake, so a second refresh only works if
  // the rotated one was kept.
  auto again = provider.ForceRefresh();
  REQUIRE(again.ok());
  CHECK(*again != *forced);
}

TEST_CASE("a crash before storing a rotated token leaves a file that still signs in") {
  Reset reset;  // like Microsoft: the old refresh token stays valid
  TempDir dir;
  std::string path = dir.File("work.json");
  TokenStore store(path);
  auto client = Client(nullptr);
  SignIn(store);
  std::string before = test::ReadFile(path);
  TokenStore crashing(path, [](SaveStep s) {
    return s == SaveStep::kRename ? IoError("injected crash") : Status::Ok();
  });
  CHECK_FALSE(OAuthTokenProvider(crashing, client).ForceRefresh().ok());
  CHECK(test::ReadFile(path) == before);
  auto recovered = OAuthTokenProvider(store, client).ForceRefresh();
  CHECK(recovered.ok());
}

TEST_CASE("revoked refresh token: kAuth with the login hint") {
  Reset reset;
  TempDir dir;
  TokenStore store(dir.File("work.json"));
  auto client = Client(nullptr);
  SignIn(store);
  Idp().Control(R"({"revoke_refresh_tokens":true})");
  OAuthTokenProvider provider(store, client);
  auto t = provider.ForceRefresh();
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().code() == ErrorCode::kAuth);
  CHECK(t.status().retry() == RetryClass::kAuth);
  CHECK(t.status().message().starts_with(
      "sign-in expired or revoked: run `mailhoard login work` again"));
  CHECK(t.status().message().find("AADSTS70000") != std::string::npos);
}

TEST_CASE("access token expiry triggers a refresh through the provider") {
  Reset reset(R"({"access_token_lifetime":200})");  // inside the 5-minute margin
  TempDir dir;
  TokenStore store(dir.File("work.json"));
  auto client = Client(nullptr);
  SignIn(store);
  std::string stored = store.Load()->access_token;
  OAuthTokenProvider provider(store, client);
  auto t = provider.AccessToken();
  REQUIRE(t.ok());
  CHECK(*t != stored);
}

TEST_CASE("client credentials with the right and a wrong secret") {
  Reset reset;
  auto ok = Client(nullptr, Endpoints("contoso", "test-secret"))->ClientCredentials();
  REQUIRE(ok.ok());
  CHECK(ok->access_token.starts_with("at-"));
  CHECK(ok->refresh_token.empty());
  auto bad = Client(nullptr, Endpoints("contoso", "wrong"))->ClientCredentials();
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("client secret was rejected") != std::string::npos);
  CHECK(bad.status().message().find("wrong") == std::string::npos);
}

TEST_CASE("authorization code with PKCE through the loopback redirect") {
  Reset reset;
  auto client = Client(nullptr);
  auto flow = AuthorizationCodeFlow::Begin(*client);
  REQUIRE(flow.ok());
  CHECK(flow->authorize_url().find("code_challenge_method=S256") != std::string::npos);
  CHECK(flow->redirect_uri().starts_with("http://127.0.0.1:"));
  // The test plays the browser: the IdP redirects to the loopback listener.
  std::string location = Idp().FollowAuthorize(flow->authorize_url());
  REQUIRE(location.starts_with(flow->redirect_uri() + "?code="));
  long status = 0;
  std::thread browser([&] {
    FakeIdp::Get(flow->redirect_uri() + "favicon.ico");  // browsers do this
    status = FakeIdp::Get(location);
  });
  auto t = flow->Finish(10s);
  browser.join();
  REQUIRE(t.ok());
  CHECK(status == 200);
  CHECK(t->access_token.starts_with("at-"));
  CHECK(t->refresh_token.starts_with("rt-"));
}

TEST_CASE("authorization code: wrong state is refused, wrong verifier is rejected") {
  Reset reset;
  auto client = Client(nullptr);
  {
    auto flow = AuthorizationCodeFlow::Begin(*client);
    REQUIRE(flow.ok());
    std::thread browser([&] { FakeIdp::Get(flow->redirect_uri() + "?code=x&state=forged"); });
    auto t = flow->Finish(10s);
    browser.join();
    REQUIRE_FALSE(t.ok());
    CHECK(t.status().message().find("wrong state") != std::string::npos);
  }
  {
    auto flow = AuthorizationCodeFlow::Begin(*client);
    REQUIRE(flow.ok());
    std::string location = Idp().FollowAuthorize(flow->authorize_url());
    auto code = location.substr(location.find("code=") + 5);
    code = code.substr(0, code.find('&'));
    auto t = client->ExchangeCode(code, flow->redirect_uri(), "not-the-verifier-at-all-0123456789");
    REQUIRE_FALSE(t.ok());
    CHECK(t.status().code() == ErrorCode::kAuth);
  }
  {
    auto listener = LoopbackRedirect::Listen();
    REQUIRE(listener.ok());
    auto t = listener->WaitForCode("s", 200ms);
    CHECK(t.status().code() == ErrorCode::kTimeout);
  }
}

TEST_CASE("Microsoft error JSON rendered in plain words over the wire") {
  Reset reset(R"({"fail_next":{"status":400,"error":"invalid_grant","codes":[65001],
                 "description":"The user or administrator has not consented."}})");
  auto t = Client(nullptr)->Refresh("rt-anything");
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().message().find("has not been granted consent") != std::string::npos);
  CHECK(t.status().message().find("AADSTS65001") != std::string::npos);

  auto tenant = Client(nullptr, Endpoints("unknown-tenant"))->Refresh("rt");
  REQUIRE_FALSE(tenant.ok());
  CHECK(tenant.status().code() == ErrorCode::kInvalidArgument);
  CHECK(tenant.status().message().find("tenant 'unknown-tenant' was not found") !=
        std::string::npos);

  Idp().Control(R"({"fail_next":{"status":503}})");
  auto busy = Client(nullptr)->Refresh("rt");
  REQUIRE_FALSE(busy.ok());
  CHECK(busy.status().transient());
}

TEST_CASE("a token endpoint slower than the total timeout is a transient timeout") {
  Reset reset(R"({"delay":2})");
  OAuthClientOptions o;
  o.http.ca_file = Idp().ca_file();
  o.http.total_timeout = 500ms;
  OAuthClient client(Endpoints(), o);
  auto t = client.Refresh("rt");
  Idp().Control(R"({"delay":0})");
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().code() == ErrorCode::kTimeout);
  CHECK(t.status().transient());
}

TEST_CASE("a redirecting token endpoint is not followed") {
  Reset reset;
  FakeIdp other;  // where a hijacked endpoint would send the secrets
  Idp().Control(R"({"fail_next":{"status":307,"location":")" + other.TenantUrl("x") + "token\"}}");
  auto t = Client(nullptr, Endpoints("contoso", "test-secret"))->ClientCredentials();
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().message().find("redirects are not followed") != std::string::npos);
  CHECK(other.State().find(R"("token_requests": 0)") != std::string::npos);
}

TEST_CASE("TLS is verified: without the fake's CA the request fails") {
  OAuthClientOptions o;
  o.http.ca_file = "/dev/null";
  o.http.connect_timeout = 5s;
  OAuthClient client(Endpoints(), o);
  auto t = client.Refresh("rt");
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().code() == ErrorCode::kTls);
}

TEST_CASE("plain http is refused unless allowed") {
  FakeIdp plain(testing::FakeIdpOptions{.tls = false});
  OAuthEndpoints e = Endpoints();
  e.token_url = plain.TenantUrl("contoso") + "token";
  OAuthClientOptions o;
  OAuthClient client(e, o);
  auto t = client.Refresh("rt");
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().code() == ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace mailhoard::auth
