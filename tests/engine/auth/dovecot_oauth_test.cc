// A real Dovecot accepts our XOAUTH2 / OAUTHBEARER bytes over IMAP and POP3,
// with tokens from the fake IdP (Dovecot's oauth2 passdb asks the fake's
// /introspect). An expired token gets Dovecot's error challenge; the SASL
// code answers it, reports "token rejected", and after ForceRefresh() the
// login succeeds.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>

#include "engine/auth/base64.h"
#include "engine/auth/oauth2_client.h"
#include "engine/auth/sasl.h"
#include "engine/auth/token_store.h"
#include "engine/net/buffered_reader.h"
#include "engine/net/transport.h"
#include "tests/engine/auth/test_util.h"
#include "tests/support/dovecot_server.h"
#include "tests/support/fake_idp/fake_idp.h"

namespace mailhoard::auth {
namespace {

using namespace std::chrono_literals;
using mailhoard::testing::DovecotOptions;
using mailhoard::testing::DovecotServer;
using mailhoard::testing::FakeIdp;
using mailhoard::testing::FakeIdpOptions;

// Dovecot's introspection client talks plain http to the fake.
FakeIdp& Idp() {
  static FakeIdp idp(FakeIdpOptions{.tls = false});
  return idp;
}

test::TempDir& ConfigDir() {
  static test::TempDir dir;
  return dir;
}

DovecotServer& Dovecot() {
  static std::unique_ptr<DovecotServer> server = [] {
    const test::TempDir& dir = ConfigDir();
    // Dovecot's auth process runs unprivileged and must read these files.
    chmod(dir.path().c_str(), 0755);
    mkdir(dir.File("users").c_str(), 0755);
    std::string ext = dir.File("dovecot-oauth2.conf.ext");
    std::ofstream(ext) << "introspection_mode = post\n"
                       << "introspection_url = " << Idp().introspection_url() << "\n"
                       << "username_attribute = username\n"
                       << "active_attribute = active\n"
                       << "active_value = true\n";
    chmod(ext.c_str(), 0644);
    DovecotOptions o;
    o.ssl = false;
    // A later plain setting overrides the fixture's "plain login";
    // auth_failure_delay because the expired-token cases fail on purpose.
    o.extra_config = "auth_mechanisms = plain login xoauth2 oauthbearer\nauth_failure_delay = 0\n";
    // Passwords from our own passwd-files (see CreateUser), tokens from the
    // fake IdP; each passdb only for its mechanisms.
    o.passdb_override =
        "passdb {\n  driver = passwd-file\n  mechanisms = plain login\n"
        "  args = scheme=PLAIN username_format=%u " +
        dir.File("users") +
        "/%u\n}\n"
        "passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
        "  args = " +
        ext + "\n}\n";
    return DovecotServer::Start(o);
  }();
  return *server;
}

// A Dovecot user whose password our passwd-file passdb knows too.
testing::TestUser CreateUser() {
  auto user = Dovecot().CreateUser();
  std::string path = ConfigDir().File("users/" + user.name);
  std::ofstream(path) << user.name << ":{PLAIN}" << user.password << "\n";
  chmod(path.c_str(), 0644);
  return user;
}

enum class Proto { kImap, kPop3 };

struct Outcome {
  bool ok = false;
  Status failure;          // when !ok
  int challenges = 0;      // "+ …" lines seen
  std::string final_line;  // the tagged / +OK / -ERR line
};

// Runs one AUTHENTICATE (IMAP, SASL-IR) or AUTH (POP3, RFC 5034) exchange.
// Without SASL-IR the command goes alone and the first "+" gets the
// initial response.
Outcome Authenticate(Proto proto, SaslMechanism& mech, bool sasl_ir = true) {
  auto& dovecot = Dovecot();
  net::ConnectOptions options;
  options.tls = net::TlsMode::kNone;
  options.connect_timeout = 5s;
  options.io_timeout = 10s;
  uint16_t port = proto == Proto::kImap ? dovecot.imap_port() : dovecot.pop3_port();
  auto t = net::Connect({"127.0.0.1", port}, options);
  REQUIRE(t.ok());
  net::BufferedReader r(std::move(*t));
  auto greeting = r.ReadLine(8192);
  REQUIRE(greeting.ok());
  std::string command = proto == Proto::kImap ? "a AUTHENTICATE " : "AUTH ";
  command += mech.name();
  if (sasl_ir && mech.has_initial_response()) {
    auto ir = mech.InitialResponse();
    REQUIRE(ir.ok());
    command += " " + (ir->empty() ? std::string("=") : Base64Encode(*ir));
  }
  command += "\r\n";
  REQUIRE(r.Write(command).ok());
  Outcome out;
  for (;;) {
    auto line = r.ReadLine(64 * 1024);
    REQUIRE(line.ok());
    std::string l(*line);
    if (l.starts_with("+ ") || l == "+") {
      ++out.challenges;
      auto challenge = Base64Decode(l.size() > 2 ? l.substr(2) : "");
      REQUIRE(challenge.ok());
      auto reply = mech.Step(*challenge);
      REQUIRE(reply.ok());
      REQUIRE(r.Write(Base64Encode(*reply) + "\r\n").ok());
      continue;
    }
    if (l.starts_with("* ")) continue;  // IMAP untagged (CAPABILITY)
    out.final_line = l;
    out.ok = proto == Proto::kImap ? l.starts_with("a OK") : l.starts_with("+OK");
    if (!out.ok) out.failure = mech.Failure(l);
    break;
  }
  return out;
}

std::unique_ptr<SaslMechanism> Mech(const std::string& name, const std::string& user,
                                    const std::string& token, Proto proto) {
  if (name == "XOAUTH2") return MakeXOAuth2(user, token);
  uint16_t port = proto == Proto::kImap ? Dovecot().imap_port() : Dovecot().pop3_port();
  return MakeOAuthBearer(user, token, "127.0.0.1", port);
}

// Real time, but a device-flow poll does not wait for its interval.
class NoWaitClock final : public Clock {
 public:
  TimePoint Now() override { return RealClock().Now(); }
  WallTime WallNow() override { return RealClock().WallNow(); }
  void SleepFor(std::chrono::milliseconds) override {}
};

std::shared_ptr<OAuthClient> Client() {
  OAuthEndpoints e;
  e.device_url = Idp().TenantUrl("contoso") + "devicecode";
  e.token_url = Idp().TenantUrl("contoso") + "token";
  e.scopes = "offline_access https://outlook.office.com/IMAP.AccessAsUser.All";
  e.client_id = "client-123";
  e.tenant = "contoso";
  OAuthClientOptions o;
  o.http.allow_http = true;
  o.account = "dovecot";
  static NoWaitClock clock;
  o.clock = &clock;
  return std::make_shared<OAuthClient>(e, o);
}

// Signs `user` in through the device flow; the stored token is theirs.
void SignIn(const std::string& user, TokenStore& store) {
  Idp().Control(R"({"approve_after_polls":1,"access_token_lifetime":3600,"user":")" + user + "\"}");
  auto client = Client();
  auto d = client->StartDeviceFlow();
  REQUIRE(d.ok());
  auto t = client->PollDeviceFlow(*d);
  REQUIRE(t.ok());
  REQUIRE(store.Save(ToStoredToken(*t, std::chrono::system_clock::now())).ok());
}

TEST_CASE("Dovecot accepts XOAUTH2 and OAUTHBEARER over IMAP and POP3") {
  auto user = CreateUser();
  test::TempDir dir;
  TokenStore store(dir.File("acct.json"));
  SignIn(user.name, store);
  OAuthTokenProvider provider(store, Client());
  auto token = provider.AccessToken();
  REQUIRE(token.ok());
  for (Proto proto : {Proto::kImap, Proto::kPop3}) {
    for (std::string name : {"XOAUTH2", "OAUTHBEARER"}) {
      INFO(name << (proto == Proto::kImap ? " IMAP" : " POP3"));
      auto mech = Mech(name, user.name, *token, proto);
      Outcome o = Authenticate(proto, *mech);
      CHECK(o.ok);
      CHECK(o.challenges == 0);
      INFO(o.final_line);
    }
  }
}

TEST_CASE("Dovecot accepts PLAIN and LOGIN, with and without SASL-IR") {
  auto user = CreateUser();
  for (Proto proto : {Proto::kImap, Proto::kPop3}) {
    for (bool ir : {true, false}) {
      INFO((proto == Proto::kImap ? "IMAP" : "POP3") << (ir ? " SASL-IR" : " no SASL-IR"));
      auto plain = MakePlain(user.name, user.password);
      Outcome p = Authenticate(proto, *plain, ir);
      CHECK(p.ok);
      CHECK(p.challenges == (ir ? 0 : 1));
      auto login = MakeLogin(user.name, user.password);
      Outcome l = Authenticate(proto, *login, ir);
      CHECK(l.ok);
      CHECK(l.challenges == 2);
    }
    auto wrong = MakePlain(user.name, "wrong-password");
    Outcome w = Authenticate(proto, *wrong);
    CHECK_FALSE(w.ok);
    CHECK(w.failure.code() == ErrorCode::kAuth);
    CHECK_FALSE(IsTokenRejected(w.failure));
  }
}

TEST_CASE("XOAUTH2 and OAUTHBEARER without SASL-IR") {
  auto user = CreateUser();
  std::string reply = Idp().Control(R"({"issue":{"user":")" + user.name + "\"}}");
  std::string token = reply.substr(reply.find("\"access_token\": \"") + 17);
  token = token.substr(0, token.find('"'));
  for (Proto proto : {Proto::kImap, Proto::kPop3}) {
    for (std::string name : {"XOAUTH2", "OAUTHBEARER"}) {
      INFO(name << (proto == Proto::kImap ? " IMAP" : " POP3"));
      auto mech = Mech(name, user.name, token, proto);
      Outcome o = Authenticate(proto, *mech, /*sasl_ir=*/false);
      CHECK(o.ok);
      CHECK(o.challenges == 1);
    }
  }
}

TEST_CASE("Dovecot refuses another user's token") {
  auto alice = CreateUser();
  auto bob = CreateUser();
  std::string reply = Idp().Control(R"({"issue":{"user":")" + alice.name + "\"}}");
  std::string token = reply.substr(reply.find("\"access_token\": \"") + 17);
  token = token.substr(0, token.find('"'));
  auto mech = MakeXOAuth2(bob.name, token);
  Outcome o = Authenticate(Proto::kImap, *mech);
  CHECK_FALSE(o.ok);
  CHECK(o.failure.code() == ErrorCode::kAuth);
}

TEST_CASE("an expired token: challenge, empty reply, token rejected, refresh, success") {
  auto user = CreateUser();
  test::TempDir dir;
  TokenStore store(dir.File("acct.json"));
  SignIn(user.name, store);
  OAuthTokenProvider provider(store, Client());
  for (Proto proto : {Proto::kImap, Proto::kPop3}) {
    for (std::string name : {"XOAUTH2", "OAUTHBEARER"}) {
      INFO(name << (proto == Proto::kImap ? " IMAP" : " POP3"));
      // The IdP now says the token is dead, while our file still thinks it
      // is good for an hour: only the server can tell us.
      Idp().Control(R"({"expire_access_tokens":true})");
      auto stale = provider.AccessToken();
      REQUIRE(stale.ok());
      auto mech = Mech(name, user.name, *stale, proto);
      Outcome o = Authenticate(proto, *mech);
      CHECK_FALSE(o.ok);
      CHECK(o.challenges == 1);
      REQUIRE(mech->token_rejected());
      CHECK(mech->rejection()->status == (name == "XOAUTH2" ? "401" : "invalid_token"));
      INFO(o.final_line);
      if (proto == Proto::kImap) CHECK(o.final_line.starts_with("a NO [AUTHENTICATIONFAILED]"));
      CHECK(IsTokenRejected(o.failure));

      auto fresh = provider.ForceRefresh();
      REQUIRE(fresh.ok());
      CHECK(*fresh != *stale);
      auto retry = Mech(name, user.name, *fresh, proto);
      Outcome second = Authenticate(proto, *retry);
      CHECK(second.ok);
      CHECK(second.challenges == 0);
    }
  }
}

TEST_CASE("Dovecot takes a 4 KB token") {
  auto user = CreateUser();
  Idp().Control(R"({"token_padding":4000})");
  std::string reply = Idp().Control(R"({"issue":{"user":")" + user.name + "\"}}");
  Idp().Control(R"({"token_padding":0})");
  std::string token = reply.substr(reply.find("\"access_token\": \"") + 17);
  token = token.substr(0, token.find('"'));
  REQUIRE(token.size() > 4000);
  auto mech = MakeXOAuth2(user.name, token);
  CHECK(Authenticate(Proto::kImap, *mech).ok);
}

}  // namespace
}  // namespace mailhoard::auth
