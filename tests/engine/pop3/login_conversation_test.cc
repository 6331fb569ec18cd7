// Greeting, CAPA, STLS and authentication, byte for byte (ScriptTransport).
#include <catch2/catch.hpp>

#include "engine/auth/base64.h"
#include "engine/auth/sasl.h"
#include "tests/engine/pop3/conversation_util.h"

namespace mailhoard::pop3::testing {
namespace {

using mailhoard::testing::StartTls;

ClientOptions Plaintext(TraceSink* trace = nullptr) {
  ClientOptions o;
  o.connect.tls = net::TlsMode::kNone;
  o.allow_plaintext_login = true;
  o.trace = trace;
  return o;
}

TEST_CASE("CAPA is parsed and the APOP timestamp remembered") {
  auto s = ConnectScripted(Hello("TOP\r\nUIDL\r\nPIPELINING\r\nSASL PLAIN xoauth2\r\n"));
  REQUIRE(s.client);
  const Capabilities& c = s.client->capabilities();
  CHECK(c.known);
  CHECK(c.top);
  CHECK(c.uidl);
  CHECK(c.pipelining);
  CHECK(c.HasSasl("XOAUTH2"));
  CHECK_FALSE(c.stls);
  CHECK(s.client->apop_timestamp() == "<1896.697170952@dbc.mtview.ca.us>");
  CHECK(s.script->Done().ok());
}

TEST_CASE("a server without CAPA is an RFC 1939 server") {
  auto s = ConnectScripted(
      {Server("+OK hi\r\n"), Client("CAPA\r\n"), Server("-ERR unknown command\r\n")});
  REQUIRE(s.client);
  CHECK_FALSE(s.client->capabilities().known);
  CHECK(s.script->Done().ok());
}

TEST_CASE("a -ERR greeting is an error with the server's text") {
  auto s = ConnectScripted({Server("-ERR [SYS/TEMP] overloaded\r\n"), Eof()});
  REQUIRE_FALSE(s.client);
  CHECK(s.connect_status.transient());
  CHECK(s.connect_status.message().find("overloaded") != std::string::npos);
}

TEST_CASE("STLS upgrades and forgets the capabilities learnt in plaintext") {
  ClientOptions o;
  o.connect.tls = net::TlsMode::kStartTls;
  auto steps = Hello("STLS\r\nUSER\r\n");
  steps.push_back(Client("STLS\r\n"));
  steps.push_back(Server("+OK begin TLS\r\n"));
  steps.push_back(StartTls());
  steps.push_back(Client("CAPA\r\n"));
  steps.push_back(Server("+OK\r\nUSER\r\nUIDL\r\n.\r\n"));
  steps.push_back(Client("USER joe\r\n"));
  steps.push_back(Server("+OK\r\n"));
  steps.push_back(Client("PASS secret\r\n"));
  steps.push_back(Server("+OK logged in\r\n"));
  auto s = ConnectScripted(steps, o);
  REQUIRE(s.client);
  CHECK(s.client->is_tls());
  CHECK_FALSE(s.client->capabilities().stls);
  CHECK(s.client->capabilities().uidl);
  REQUIRE(s.client->Login(Password("joe", "secret", auth::AuthMethod::kPasswordCommand)).ok());
  CHECK(s.script->Done().ok());
}

TEST_CASE("STLS required but not offered is an error, never a plaintext login") {
  ClientOptions o;
  o.connect.tls = net::TlsMode::kStartTls;
  auto s = ConnectScripted(Hello("USER\r\nUIDL\r\n"), o);
  REQUIRE_FALSE(s.client);
  CHECK(s.connect_status.code() == ErrorCode::kUnsupported);
  CHECK(s.connect_status.message().find("STLS") != std::string::npos);
  CHECK(s.script->written() == "CAPA\r\n");
}

TEST_CASE("STLS refused by the server is an error") {
  ClientOptions o;
  o.connect.tls = net::TlsMode::kStartTls;
  auto steps = Hello("STLS\r\n");
  steps.push_back(Client("STLS\r\n"));
  steps.push_back(Server("-ERR not now\r\n"));
  auto s = ConnectScripted(steps, o);
  REQUIRE_FALSE(s.client);
  CHECK(s.connect_status.code() == ErrorCode::kUnsupported);
}

TEST_CASE("no password over plaintext without the opt-in") {
  ClientOptions o;
  o.connect.tls = net::TlsMode::kNone;
  auto s = ConnectScripted(Hello("USER\r\n"), o);
  REQUIRE(s.client);
  Status st = s.client->Login(Password("joe", "secret"));
  CHECK(st.code() == ErrorCode::kInvalidArgument);
  CHECK(s.script->written() == "CAPA\r\n");
}

TEST_CASE("USER/PASS: the password never reaches the trace") {
  Trace trace;
  auto steps = Hello("USER\r\n");
  steps.push_back(Client("USER joe\r\n"));
  steps.push_back(Server("+OK\r\n"));
  steps.push_back(Client("PASS s3cret\r\n"));
  steps.push_back(Server("+OK maildrop locked and ready\r\n"));
  auto s = ConnectScripted(steps, Plaintext(&trace));
  REQUIRE(s.client);
  REQUIRE(s.client->Login(Password("joe", "s3cret")).ok());
  CHECK(trace.All().find("s3cret") == std::string::npos);
  CHECK(trace.All().find("PASS <redacted>") != std::string::npos);
  CHECK(s.script->Done().ok());
}

TEST_CASE("response code AUTH is kAuth with RetryClass::kAuth") {
  auto steps = Hello("USER\r\n");
  steps.push_back(Client("USER joe\r\n"));
  steps.push_back(Server("+OK\r\n"));
  steps.push_back(Client("PASS bad\r\n"));
  steps.push_back(Server("-ERR [AUTH] Authentication failed.\r\n"));
  auto s = ConnectScripted(steps, Plaintext());
  REQUIRE(s.client);
  Status st = s.client->Login(Password("joe", "bad"));
  CHECK(st.code() == ErrorCode::kAuth);
  CHECK(st.retry() == RetryClass::kAuth);
  CHECK(st.message().find("bad") == std::string::npos);
}

TEST_CASE("response codes IN-USE and SYS/TEMP are transient, SYS/PERM final") {
  for (auto [code, transient] : {std::pair{"IN-USE", true}, std::pair{"SYS/TEMP", true},
                                 std::pair{"SYS/PERM", false}, std::pair{"LOGIN-DELAY", true}}) {
    auto steps = Hello("USER\r\n");
    steps.push_back(Client("USER joe\r\n"));
    steps.push_back(Server("+OK\r\n"));
    steps.push_back(Client("PASS pw\r\n"));
    steps.push_back(Server(std::string("-ERR [") + code + "] nope\r\n"));
    auto s = ConnectScripted(steps, Plaintext());
    REQUIRE(s.client);
    Status st = s.client->Login(Password("joe", "pw"));
    INFO(code);
    CHECK_FALSE(st.ok());
    CHECK(st.transient() == transient);
    CHECK(st.retry() != RetryClass::kAuth);
  }
}

TEST_CASE("APOP digest as in RFC 1939 §7") {
  Trace trace;
  auto steps = Hello("");
  steps.push_back(Client("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"));
  steps.push_back(Server("+OK maildrop has 1 message (369 octets)\r\n"));
  auto s = ConnectScripted(steps, Plaintext(&trace));
  REQUIRE(s.client);
  REQUIRE(s.client->Login(Password("mrose", "tanstaaf", auth::AuthMethod::kApop)).ok());
  CHECK(trace.All().find("c4c9334b") == std::string::npos);
  CHECK(s.script->Done().ok());
}

TEST_CASE("AUTH PLAIN sends the initial response on the command line") {
  std::string ir = auth::Base64Encode(std::string("\0joe\0pw", 7));
  auto steps = Hello("SASL PLAIN LOGIN\r\n");
  steps.push_back(Client("AUTH PLAIN " + ir + "\r\n"));
  steps.push_back(Server("+OK Logged in.\r\n"));
  auto s = ConnectScripted(steps, Plaintext());
  REQUIRE(s.client);
  REQUIRE(s.client->Login(Password("joe", "pw")).ok());  // kAuto picks PLAIN
  CHECK(s.script->Done().ok());
}

TEST_CASE("AUTH LOGIN answers the server's challenges") {
  auto steps = Hello("SASL LOGIN\r\n");
  steps.push_back(Client("AUTH LOGIN\r\n"));
  steps.push_back(Server("+ " + auth::Base64Encode("Username:") + "\r\n"));
  steps.push_back(Client(auth::Base64Encode("joe") + "\r\n"));
  steps.push_back(Server("+ " + auth::Base64Encode("Password:") + "\r\n"));
  steps.push_back(Client(auth::Base64Encode("pw") + "\r\n"));
  steps.push_back(Server("+OK\r\n"));
  auto s = ConnectScripted(steps, Plaintext());
  REQUIRE(s.client);
  REQUIRE(s.client->Login(Password("joe", "pw", auth::AuthMethod::kLogin)).ok());
  CHECK(s.script->Done().ok());
}

TEST_CASE("AUTH XOAUTH2 with a long token waits for the empty challenge (RFC 5034 §4)") {
  std::string token(1200, 't');
  std::string ir = auth::Base64Encode(
      "user=joe@example.com\x01"
      "auth=Bearer " +
      token + "\x01\x01");
  Trace trace;
  auto steps = Hello("SASL XOAUTH2\r\n");
  steps.push_back(Client("AUTH XOAUTH2\r\n"));
  steps.push_back(Server("+ \r\n"));
  steps.push_back(Client(ir + "\r\n"));
  steps.push_back(Server("+OK User successfully authenticated.\r\n"));
  auto s = ConnectScripted(steps, Plaintext(&trace));
  REQUIRE(s.client);
  REQUIRE(s.client->Login(Password("joe@example.com", token, auth::AuthMethod::kXOAuth2)).ok());
  CHECK(trace.All().find("tttt") == std::string::npos);
  CHECK(s.script->Done().ok());
}

TEST_CASE("AUTH XOAUTH2: a rejected token is refreshed once and retried") {
  std::string error_json = R"({"status":"401","schemes":"bearer","scope":"x"})";
  auto ir = [](const std::string& token) {
    return auth::Base64Encode(
        "user=joe\x01"
        "auth=Bearer " +
        token + "\x01\x01");
  };
  auto steps = Hello("SASL XOAUTH2\r\n");
  steps.push_back(Client("AUTH XOAUTH2 " + ir("old") + "\r\n"));
  steps.push_back(Server("+ " + auth::Base64Encode(error_json) + "\r\n"));
  steps.push_back(Client("\r\n"));
  steps.push_back(Server("-ERR [AUTH] Authentication failure\r\n"));
  steps.push_back(Client("AUTH XOAUTH2 " + ir("new") + "\r\n"));
  steps.push_back(Server("+OK\r\n"));
  auto s = ConnectScripted(steps, Plaintext());
  REQUIRE(s.client);
  auth::Credentials c = Password("joe", "old", auth::AuthMethod::kXOAuth2);
  int refreshed = 0;
  c.refresh = [&]() -> Result<std::string> {
    ++refreshed;
    return std::string("new");
  };
  Status st = s.client->Login(c);
  CHECK(st.ok());
  CHECK(refreshed == 1);
  CHECK(s.script->Done().ok());
}

TEST_CASE("AUTH OAUTHBEARER sends the RFC 7628 initial response") {
  auto mech = auth::MakeOAuthBearer("joe", "tok", "", 0);
  std::string ir = auth::Base64Encode(*mech->InitialResponse());
  auto steps = Hello("SASL OAUTHBEARER\r\n");
  steps.push_back(Client("AUTH OAUTHBEARER " + ir + "\r\n"));
  steps.push_back(Server("+OK\r\n"));
  auto s = ConnectScripted(steps, Plaintext());
  REQUIRE(s.client);
  REQUIRE(s.client->Login(Password("joe", "tok", auth::AuthMethod::kOAuthBearer)).ok());
  CHECK(s.script->Done().ok());
}

TEST_CASE("bytes after the STLS go-ahead are refused (command injection)") {
  ClientOptions o;
  o.connect.tls = net::TlsMode::kStartTls;
  auto steps = Hello("STLS\r\n");
  steps.push_back(Client("STLS\r\n"));
  steps.push_back(Server("+OK begin TLS\r\n+OK injected\r\n"));
  auto s = ConnectScripted(steps, o);
  REQUIRE_FALSE(s.client);
  CHECK_FALSE(s.connect_status.ok());
}

TEST_CASE("AUTH with a mechanism the server does not list is refused locally") {
  auto s = ConnectScripted(Hello("SASL PLAIN\r\n"), Plaintext());
  REQUIRE(s.client);
  Status st = s.client->Login(Password("joe", "tok", auth::AuthMethod::kOAuthBearer));
  CHECK(st.code() == ErrorCode::kUnsupported);
  CHECK(s.script->written() == "CAPA\r\n");
}

}  // namespace
}  // namespace mailhoard::pop3::testing
