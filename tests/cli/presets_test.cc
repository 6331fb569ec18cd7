#include "cli/presets.h"

#include <catch2/catch.hpp>

#include "cli/config.h"
#include "tests/cli/test_util.h"

namespace mailhoard::cli {
namespace {

Result<Config> Parse(const std::string& text) {
  return ParseConfig(text, "t.toml", testing::FakeEnv({{"HOME", "/h"}}));
}

std::string ErrorOf(const std::string& text) {
  Result<Config> c = Parse(text);
  REQUIRE_FALSE(c.ok());
  return c.status().message();
}

const std::string kHead = "archive = \"/a\"\n[accounts.m]\n";

TEST_CASE("microsoft365 preset fills server, auth and oauth endpoints", "[presets]") {
  Result<Config> c = Parse(kHead +
                           "provider = \"microsoft365\"\nuser = \"a@b\"\n[accounts.m.oauth]\n"
                           "client_id = \"cid\"\n");
  INFO(c.status().message());
  REQUIRE(c.ok());
  const AccountConfig& a = c->accounts[0];
  CHECK(a.host == "outlook.office365.com");
  CHECK(a.port == 993);
  CHECK(a.tls == TlsMode::kImplicit);
  CHECK(a.auth == AuthMethod::kXoauth2);
  CHECK(a.connections == 3);
  REQUIRE(a.oauth);
  CHECK(a.oauth->flow == OAuthFlow::kDevice);
  CHECK(a.oauth->tenant == "organizations");
  CHECK(a.oauth->device_url ==
        "https://login.microsoftonline.com/organizations/oauth2/v2.0/devicecode");
  CHECK(a.oauth->authorize_url ==
        "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize");
  CHECK(a.oauth->scopes ==
        std::vector<std::string>{"https://outlook.office.com/IMAP.AccessAsUser.All",
                                 "offline_access"});
}

TEST_CASE("microsoft365 pop3 uses the POP scope and port 995", "[presets]") {
  Result<Config> c = Parse(kHead +
                           "provider = \"microsoft365\"\nprotocol = \"pop3\"\nuser = \"a@b\"\n"
                           "[accounts.m.oauth]\nclient_id = \"cid\"\ntenant = \"contoso.com\"\n");
  REQUIRE(c.ok());
  const AccountConfig& a = c->accounts[0];
  CHECK(a.host == "outlook.office365.com");
  CHECK(a.port == 995);
  CHECK(a.policy == Policy::kKeep);
  CHECK(a.oauth->token_url == "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token");
  CHECK(a.oauth->scopes[0] == "https://outlook.office.com/POP.AccessAsUser.All");
}

TEST_CASE("microsoft365 client_credentials needs a real tenant and a secret", "[presets]") {
  const std::string base = kHead +
                           "provider = \"microsoft365\"\nuser = \"a@b\"\n"
                           "[accounts.m.oauth]\nclient_id = \"cid\"\n"
                           "flow = \"client_credentials\"\n";
  CHECK(ErrorOf(base + "client_secret_env = \"S\"\n").find("needs tenant = your directory") !=
        std::string::npos);
  CHECK(ErrorOf(base + "tenant = \"contoso.com\"\n") ==
        "t.toml:5:1: [accounts.m.oauth]: flow = \"client_credentials\" needs one of "
        "client_secret_cmd, client_secret_file, client_secret_env");
  Result<Config> c = Parse(base + "tenant = \"contoso.com\"\nclient_secret_env = \"S\"\n");
  REQUIRE(c.ok());
  CHECK(c->accounts[0].oauth->scopes ==
        std::vector<std::string>{"https://outlook.office365.com/.default"});
  CHECK(c->accounts[0].oauth->client_secret.kind == SecretSource::Kind::kEnv);
}

TEST_CASE("microsoft365 caps connections with a warning", "[presets]") {
  Result<Config> c = Parse(kHead +
                           "provider = \"microsoft365\"\nuser = \"a@b\"\nconnections = 8\n"
                           "[accounts.m.oauth]\nclient_id = \"cid\"\n");
  REQUIRE(c.ok());
  CHECK(c->accounts[0].connections == 3);
  REQUIRE(c->warnings.size() == 1);
  CHECK(c->warnings[0].find("t.toml:5:15: accounts.m.connections: capped at 3") == 0);
}

TEST_CASE("gmail preset fills google endpoints", "[presets]") {
  Result<Config> c = Parse(kHead +
                           "provider = \"gmail\"\nuser = \"a@gmail.com\"\n"
                           "[accounts.m.oauth]\nclient_id = \"cid\"\n");
  REQUIRE(c.ok());
  const AccountConfig& a = c->accounts[0];
  CHECK(a.host == "imap.gmail.com");
  CHECK(a.port == 993);
  CHECK(a.oauth->token_url == "https://oauth2.googleapis.com/token");
  CHECK(a.oauth->device_url == "https://oauth2.googleapis.com/device/code");
  CHECK(a.oauth->authorize_url == "https://accounts.google.com/o/oauth2/v2/auth");
  CHECK(a.oauth->scopes == std::vector<std::string>{"https://mail.google.com/"});

  Result<Config> pop = Parse(kHead +
                             "provider = \"gmail\"\nprotocol = \"pop3\"\nuser = \"x\"\n"
                             "[accounts.m.oauth]\nclient_id = \"cid\"\n");
  REQUIRE(pop.ok());
  CHECK(pop->accounts[0].host == "pop.gmail.com");
  CHECK(pop->accounts[0].port == 995);
  CHECK(ErrorOf(kHead + "provider = \"gmail\"\nuser = \"x\"\n[accounts.m.oauth]\n"
                        "client_id = \"c\"\ntenant = \"t\"\n") ==
        "t.toml:7:1: accounts.m.oauth.tenant: only applies to provider = \"microsoft365\"");
}

TEST_CASE("every preset value can be overridden", "[presets]") {
  Result<Config> c = Parse(kHead +
                           "provider = \"microsoft365\"\nuser = \"a@b\"\n"
                           "host = \"imap.proxy.example\"\nport = 1143\ntls = \"starttls\"\n"
                           "auth = \"plain\"\npassword_env = \"P\"\nconnections = 2\n");
  INFO(c.status().message());
  REQUIRE(c.ok());
  const AccountConfig& a = c->accounts[0];
  CHECK(a.host == "imap.proxy.example");
  CHECK(a.port == 1143);
  CHECK(a.tls == TlsMode::kStartTls);
  CHECK(a.auth == AuthMethod::kPlain);
  CHECK(a.connections == 2);
  CHECK_FALSE(a.oauth);

  Result<Config> o = Parse(kHead +
                           "provider = \"gmail\"\nuser = \"a\"\n[accounts.m.oauth]\n"
                           "client_id = \"cid\"\ntoken_url = \"http://127.0.0.1:8080/token\"\n"
                           "device_url = \"https://dev.example/code\"\nscopes = [\"x\", \"y\"]\n");
  INFO(o.status().message());
  REQUIRE(o.ok());
  CHECK(o->accounts[0].oauth->token_url == "http://127.0.0.1:8080/token");
  CHECK(o->accounts[0].oauth->device_url == "https://dev.example/code");
  CHECK(o->accounts[0].oauth->authorize_url == "https://accounts.google.com/o/oauth2/v2/auth");
  CHECK(o->accounts[0].oauth->scopes == std::vector<std::string>{"x", "y"});
}

TEST_CASE("oauth without a preset needs its endpoints and client_id", "[presets]") {
  const std::string base = kHead + "host = \"h\"\nuser = \"u\"\nauth = \"oauthbearer\"\n";
  CHECK(ErrorOf(base).find("needs an [accounts.m.oauth] table") != std::string::npos);
  CHECK(ErrorOf(base + "[accounts.m.oauth]\ntoken_url = \"https://t\"\n")
            .find("client_id is required") != std::string::npos);
  CHECK(ErrorOf(base + "[accounts.m.oauth]\nclient_id = \"c\"\n")
            .find("token_url is required without a provider preset") != std::string::npos);
  CHECK(ErrorOf(base + "[accounts.m.oauth]\nclient_id = \"c\"\ntoken_url = \"http://evil/t\"\n") ==
        "t.toml:8:13: accounts.m.oauth.token_url: expected an https:// URL, got "
        "\"http://evil/t\"");
  CHECK(ErrorOf(kHead + "host = \"h\"\nuser = \"u\"\npassword_env = \"P\"\n"
                        "[accounts.m.oauth]\nclient_id = \"c\"\n")
            .find("accounts.m.oauth: only used with auth = xoauth2 or oauthbearer") !=
        std::string::npos);
}

}  // namespace
}  // namespace mailhoard::cli
