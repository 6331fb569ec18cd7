// Greeting, STARTTLS and authentication, byte for byte (ScriptTransport).
#include <catch2/catch.hpp>

#include "tests/engine/imap_client/client_test_util.h"

namespace mailhoard::imap::testing {
namespace {

using mailhoard::testing::StartTls;

auth::Credentials Password(std::string user, std::string password,
                           auth::AuthMethod method = auth::AuthMethod::kAuto) {
  auth::Credentials c;
  c.user = std::move(user);
  c.method = method;
  c.secret = [password]() -> Result<std::string> { return password; };
  return c;
}

TEST_CASE("greeting capabilities are used without a CAPABILITY command") {
  auto s =
      ConnectScripted({Server("* OK [CAPABILITY IMAP4rev1 IDLE LITERAL+] Dovecot ready.\r\n")});
  REQUIRE(s.client);
  CHECK(s.client->capabilities().Has("idle"));
  CHECK(s.client->capabilities().Has("LITERAL+"));
  CHECK_FALSE(s.client->capabilities().Has("STARTTLS"));
  CHECK(s.script->Done().ok());
}

TEST_CASE("greeting without capabilities asks for them") {
  auto s = ConnectScripted({Server("* OK hello\r\n"), Client("A1 CAPABILITY\r\n"),
                            Server("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nA1 OK done\r\n")});
  REQUIRE(s.client);
  CHECK(s.client->capabilities().HasAuth("plain"));
  CHECK(s.script->Done().ok());
}

TEST_CASE("a BYE greeting is a transient kServerBye") {
  auto s = ConnectScripted({Server("* BYE Too many connections\r\n"), Eof()});
  REQUIRE_FALSE(s.client);
  CHECK(s.connect_status.code() == ErrorCode::kServerBye);
  CHECK(s.connect_status.transient());
  CHECK(s.connect_status.message().find("Too many connections") != std::string::npos);
}

TEST_CASE("LOGIN quotes user and password, escaping quote and backslash") {
  auto s = ConnectScripted({Server("* OK [CAPABILITY IMAP4rev1] hi\r\n"),
                            Client("A1 LOGIN \"joe\" \"p\\\"a ss\\\\\"\r\n"),
                            Server("A1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n")});
  REQUIRE(s.client);
  REQUIRE(s.client->Login(Password("joe", "p\"a ss\\")).ok());
  CHECK(s.client->authenticated());
  CHECK(s.client->capabilities().Has("IDLE"));  // post-login list from the OK code
  CHECK(s.script->Done().ok());
}

TEST_CASE("LOGIN sends an 8-bit password as a synchronising literal") {
  auto s = ConnectScripted(
      {Server("* OK [CAPABILITY IMAP4rev1] hi\r\n"), Client("A1 LOGIN \"joe\" {9}\r\n"),
       Server("+ OK\r\n"), Client("p\xc3\xa4ssword\r\n"), Server("A1 OK Logged in\r\n"),
       Client("A2 CAPABILITY\r\n"), Server("* CAPABILITY IMAP4rev1 IDLE\r\nA2 OK done\r\n")});
  REQUIRE(s.client);
  REQUIRE(
      s.client->Login(Password("joe", "p\xc3\xa4ssword", auth::AuthMethod::kPasswordCommand)).ok());
  CHECK(s.client->capabilities().Has("IDLE"));
  CHECK(s.script->Done().ok());
}

TEST_CASE("LOGIN uses a non-synchronising literal with LITERAL+") {
  auto s = ConnectScripted({Server("* OK [CAPABILITY IMAP4rev1 LITERAL+] hi\r\n"),
                            Client("A1 LOGIN \"joe\" {4+}\r\na\r\nb\r\n"),
                            Server("A1 OK [CAPABILITY IMAP4rev1] ok\r\n")});
  REQUIRE(s.client);
  REQUIRE(s.client->Login(Password("joe", "a\r\nb", auth::AuthMethod::kPasswordCommand)).ok());
  CHECK(s.script->Done().ok());
}

TEST_CASE("a NO instead of the literal's go-ahead stops the command") {
  auto s = ConnectScripted({Server("* OK [CAPABILITY IMAP4rev1] hi\r\n"),
                            Client("A1 LOGIN \"joe\" {9}\r\n"),
                            Server("A1 NO [AUTHENTICATIONFAILED] nope\r\n")});
  REQUIRE(s.client);
  Status st =
      s.client->Login(Password("joe", "p\xc3\xa4ssword", auth::AuthMethod::kPasswordCommand));
  CHECK(st.code() == ErrorCode::kAuth);
  CHECK(s.script->Done().ok());
}

TEST_CASE("auto picks AUTHENTICATE PLAIN with SASL-IR when advertised") {
  auto s = ConnectScripted({Server("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] hi\r\n"),
                            Client("A1 AUTHENTICATE PLAIN AGpvZQBzZWNyZXQ=\r\n"),
                            Server("A1 OK Logged in\r\n"), Client("A2 CAPABILITY\r\n"),
                            Server("* CAPABILITY IMAP4rev1 ID\r\nA2 OK done\r\n"),
                            Client("A3 ID (\"name\" \"mailhoard\" \"vendor\" \"mailhoard\")\r\n"),
                            Server("* ID NIL\r\nA3 OK done\r\n")});
  REQUIRE(s.client);
  REQUIRE(s.client->Login(Password("joe", "secret")).ok());
  CHECK(s.script->Done().ok());
}

TEST_CASE("AUTHENTICATE PLAIN without SASL-IR waits for the empty challenge") {
  auto s = ConnectScripted({Server("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n"),
                            Client("A1 AUTHENTICATE PLAIN\r\n"), Server("+ \r\n"),
                            Client("AGpvZQBzZWNyZXQ=\r\n"),
                            Server("A1 OK [CAPABILITY IMAP4rev1] Logged in\r\n")});
  REQUIRE(s.client);
  REQUIRE(s.client->Login(Password("joe", "secret", auth::AuthMethod::kPlain)).ok());
  CHECK(s.script->Done().ok());
}

TEST_CASE("AUTHENTICATE LOGIN answers the username and password prompts") {
  auto s =
      ConnectScripted({Server("* OK [CAPABILITY IMAP4rev1 AUTH=LOGIN SASL-IR] hi\r\n"),
                       Client("A1 AUTHENTICATE LOGIN\r\n"), Server("+ VXNlcm5hbWU6\r\n"),
                       Client("am9l\r\n"), Server("+ UGFzc3dvcmQ6\r\n"), Client("c2VjcmV0\r\n"),
                       Server("A1 OK [CAPABILITY IMAP4rev1] Logged in\r\n")});
  REQUIRE(s.client);
  REQUIRE(s.client->Login(Password("joe", "secret", auth::AuthMethod::kLogin)).ok());
  CHECK(s.script->Done().ok());
}

TEST_CASE("a wrong password is kAuth with RetryClass::kAuth") {
  auto s = ConnectScripted({Server("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] hi\r\n"),
                            Client("A1 AUTHENTICATE PLAIN AGpvZQBzZWNyZXQ=\r\n"),
                            Server("A1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n")});
  REQUIRE(s.client);
  Status st = s.client->Login(Password("joe", "secret"));
  CHECK(st.code() == ErrorCode::kAuth);
  CHECK(st.retry() == RetryClass::kAuth);
  CHECK_FALSE(s.client->authenticated());
  CHECK(s.script->Done().ok());
}

TEST_CASE("NO [UNAVAILABLE] during login is transient, not an auth failure") {
  auto s = ConnectScripted({Server("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] hi\r\n"),
                            Client("A1 AUTHENTICATE PLAIN AGpvZQBzZWNyZXQ=\r\n"),
                            Server("A1 NO [UNAVAILABLE] Backend down\r\n")});
  REQUIRE(s.client);
  Status st = s.client->Login(Password("joe", "secret"));
  CHECK(st.code() != ErrorCode::kAuth);
  CHECK(st.transient());
}

TEST_CASE("plaintext login needs allow_plaintext_login") {
  ClientOptions o = PlainOptions();
  o.allow_plaintext_login = false;
  auto s = ConnectScripted({Server("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n")}, o);
  REQUIRE(s.client);
  Status st = s.client->Login(Password("joe", "secret"));
  CHECK(st.code() == ErrorCode::kInvalidArgument);
  CHECK(s.script->written().empty());  // nothing secret went out
}

auth::Credentials OAuth(int* refreshes, auth::AuthMethod method = auth::AuthMethod::kXOAuth2) {
  auth::Credentials c;
  c.user = "joe@example.com";
  c.method = method;
  c.secret = []() -> Result<std::string> { return std::string("old-token"); };
  c.refresh = [refreshes]() -> Result<std::string> {
    ++*refreshes;
    return std::string("new-token");
  };
  return c;
}

constexpr char kOldXOAuth2[] = "dXNlcj1qb2VAZXhhbXBsZS5jb20BYXV0aD1CZWFyZXIgb2xkLXRva2VuAQE=";
constexpr char kNewXOAuth2[] = "dXNlcj1qb2VAZXhhbXBsZS5jb20BYXV0aD1CZWFyZXIgbmV3LXRva2VuAQE=";
constexpr char kGoogleError[] =
    "eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ"
    "==";

TEST_CASE("XOAUTH2 error challenge: empty reply, NO, refresh, retry succeeds") {
  auto s = ConnectScripted(
      {Server("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] Gimap ready\r\n"),
       Client(std::string("A1 AUTHENTICATE XOAUTH2 ") + kOldXOAuth2 + "\r\n"),
       Server(std::string("+ ") + kGoogleError + "\r\n"), Client("\r\n"),
       Server("A1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n"),
       Client(std::string("A2 AUTHENTICATE XOAUTH2 ") + kNewXOAuth2 + "\r\n"),
       Server("A2 OK [CAPABILITY IMAP4rev1 IDLE] joe@example.com authenticated (Success)\r\n")});
  REQUIRE(s.client);
  int refreshes = 0;
  REQUIRE(s.client->Login(OAuth(&refreshes)).ok());
  CHECK(refreshes == 1);
  CHECK(s.script->Done().ok());
}

TEST_CASE("Microsoft's bare 'NO AUTHENTICATE failed.' also refreshes once, then fails kAuth") {
  auto s = ConnectScripted(
      {Server("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] The Microsoft Exchange IMAP4 "
              "service is ready.\r\n"),
       Client(std::string("A1 AUTHENTICATE XOAUTH2 ") + kOldXOAuth2 + "\r\n"),
       Server("A1 NO AUTHENTICATE failed.\r\n"),
       Client(std::string("A2 AUTHENTICATE XOAUTH2 ") + kNewXOAuth2 + "\r\n"),
       Server("A2 NO AUTHENTICATE failed.\r\n")});
  REQUIRE(s.client);
  int refreshes = 0;
  Status st = s.client->Login(OAuth(&refreshes));
  CHECK(refreshes == 1);
  CHECK(st.code() == ErrorCode::kAuth);
  CHECK(st.retry() == RetryClass::kAuth);
  CHECK(s.script->Done().ok());
}

TEST_CASE("a connection dropped during AUTHENTICATE is a network error, not a hang") {
  // Dovecot closes the connection on a SASL response of 8 KB or more.
  auto s = ConnectScripted({Server("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] hi\r\n"),
                            Client(std::string("A1 AUTHENTICATE XOAUTH2 ") + kOldXOAuth2 + "\r\n"),
                            Eof()});
  REQUIRE(s.client);
  int refreshes = 0;
  Status st = s.client->Login(OAuth(&refreshes));
  CHECK(st.code() == ErrorCode::kNetwork);
  CHECK(st.transient());
  CHECK(refreshes == 0);
}

TEST_CASE("STARTTLS required but not offered: kTls, nothing sent") {
  ClientOptions o = PlainOptions();
  o.connect.tls = net::TlsMode::kStartTls;
  auto s = ConnectScripted({Server("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n")}, o);
  REQUIRE_FALSE(s.client);
  CHECK(s.connect_status.code() == ErrorCode::kTls);
  CHECK(s.connect_status.message().find("server does not offer STARTTLS") != std::string::npos);
}

TEST_CASE("STARTTLS upgrades and discards the pre-TLS capabilities") {
  ClientOptions o = PlainOptions();
  o.connect.tls = net::TlsMode::kStartTls;
  o.allow_plaintext_login = false;
  auto s =
      ConnectScripted({Server("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED X-FORGED] hi\r\n"),
                       Client("A1 STARTTLS\r\n"), Server("A1 OK Begin TLS negotiation now.\r\n"),
                       StartTls(), Client("A2 CAPABILITY\r\n"),
                       Server("* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN\r\nA2 OK done\r\n"),
                       Client("A3 AUTHENTICATE PLAIN AGpvZQBzZWNyZXQ=\r\n"),
                       Server("A3 OK [CAPABILITY IMAP4rev1] Logged in\r\n")},
                      o);
  REQUIRE(s.client);
  CHECK_FALSE(s.client->capabilities().Has("X-FORGED"));
  CHECK_FALSE(s.client->capabilities().Has("LOGINDISABLED"));
  REQUIRE(s.client->Login(Password("joe", "secret")).ok());
  CHECK(s.script->Done().ok());
}

TEST_CASE("bytes after the STARTTLS go-ahead are refused (injection)") {
  ClientOptions o = PlainOptions();
  o.connect.tls = net::TlsMode::kStartTls;
  auto s = ConnectScripted(
      {Server("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n"), Client("A1 STARTTLS\r\n"),
       Server("A1 OK Begin TLS\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN]\r\n")},
      o);
  REQUIRE_FALSE(s.client);
  CHECK(s.connect_status.code() == ErrorCode::kTls);
}

TEST_CASE("trace shows commands and responses but never passwords or tokens") {
  RecordingTrace trace;
  ClientOptions o = PlainOptions();
  o.trace = &trace;
  SECTION("LOGIN") {
    auto s = ConnectScripted(
        {Server("* OK [CAPABILITY IMAP4rev1] hi\r\n"), Client("A1 LOGIN \"joe\" \"hunter2\"\r\n"),
         Server("A1 OK [CAPABILITY IMAP4rev1] Logged in\r\n")},
        o);
    REQUIRE(s.client);
    REQUIRE(s.client->Login(Password("joe", "hunter2")).ok());
    CHECK(trace.All().find("C: A1 LOGIN \"joe\" <redacted>") != std::string::npos);
  }
  SECTION("LOGIN with a literal password") {
    auto s = ConnectScripted({Server("* OK [CAPABILITY IMAP4rev1 LITERAL+] hi\r\n"),
                              Client("A1 LOGIN \"joe\" {9+}\r\nhunter2\r\n\r\n"),
                              Server("A1 OK [CAPABILITY IMAP4rev1] Logged in\r\n")},
                             o);
    REQUIRE(s.client);
    REQUIRE(s.client->Login(Password("joe", "hunter2\r\n")).ok());
    CHECK(trace.All().find("<redacted>") != std::string::npos);
  }
  SECTION("AUTHENTICATE PLAIN initial response and continuation") {
    auto s = ConnectScripted(
        {Server("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=LOGIN SASL-IR] hi\r\n"),
         Client("A1 AUTHENTICATE PLAIN AGpvZQBodW50ZXIy\r\n"),
         Server("A1 NO [UNAVAILABLE] try later\r\n"), Client("A2 AUTHENTICATE LOGIN\r\n"),
         Server("+ VXNlcm5hbWU6\r\n"), Client("am9l\r\n"), Server("+ UGFzc3dvcmQ6\r\n"),
         Client("aHVudGVyMg==\r\n"), Server("A2 OK [CAPABILITY IMAP4rev1] ok\r\n")},
        o);
    REQUIRE(s.client);
    CHECK_FALSE(s.client->Login(Password("joe", "hunter2")).ok());
    REQUIRE(s.client->Login(Password("joe", "hunter2", auth::AuthMethod::kLogin)).ok());
    CHECK(trace.All().find("C: A1 AUTHENTICATE PLAIN <redacted>") != std::string::npos);
    CHECK(trace.All().find("am9l") == std::string::npos);
  }
  SECTION("XOAUTH2 tokens") {
    int refreshes = 0;
    auto s =
        ConnectScripted({Server("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] hi\r\n"),
                         Client(std::string("A1 AUTHENTICATE XOAUTH2 ") + kOldXOAuth2 + "\r\n"),
                         Server(std::string("+ ") + kGoogleError + "\r\n"), Client("\r\n"),
                         Server("A1 NO [AUTHENTICATIONFAILED] Invalid credentials\r\n"),
                         Client(std::string("A2 AUTHENTICATE XOAUTH2 ") + kNewXOAuth2 + "\r\n"),
                         Server("A2 OK [CAPABILITY IMAP4rev1] ok\r\n")},
                        o);
    REQUIRE(s.client);
    REQUIRE(s.client->Login(OAuth(&refreshes)).ok());
    CHECK(trace.All().find("token") == std::string::npos);
    CHECK(trace.All().find(kOldXOAuth2) == std::string::npos);
    CHECK(trace.All().find(kNewXOAuth2) == std::string::npos);
  }
  const std::string all = trace.All();
  INFO(all);
  CHECK(all.find("hunter2") == std::string::npos);
  CHECK(all.find("AGpvZQBodW50ZXIy") == std::string::npos);
  CHECK(all.find("aHVudGVyMg==") == std::string::npos);
  CHECK(all.find("S: ") != std::string::npos);  // responses are traced too
}

TEST_CASE("OAUTHBEARER error challenge is answered with ^A, then refresh and retry") {
  auto s = ConnectScripted({Server("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=OAUTHBEARER] hi\r\n"),
                            Client("A1 AUTHENTICATE OAUTHBEARER "
                                   "bixhPWpvZUBleGFtcGxlLmNvbSwBaG9zdD1zY3JpcHQBcG9ydD0xNDMBYXV0aD1"
                                   "CZWFyZXIgb2xkLXRva2VuAQE="
                                   "\r\n"),
                            Server(std::string("+ ") + kGoogleError + "\r\n"), Client("AQ==\r\n"),
                            Server("A1 NO [AUTHENTICATIONFAILED] invalid token\r\n"),
                            Client("A2 AUTHENTICATE OAUTHBEARER "
                                   "bixhPWpvZUBleGFtcGxlLmNvbSwBaG9zdD1zY3JpcHQBcG9ydD0xNDMBYXV0aD1"
                                   "CZWFyZXIgbmV3LXRva2VuAQE="
                                   "\r\n"),
                            Server("A2 OK [CAPABILITY IMAP4rev1] ok\r\n")});
  REQUIRE(s.client);
  int refreshes = 0;
  REQUIRE(s.client->Login(OAuth(&refreshes, auth::AuthMethod::kOAuthBearer)).ok());
  CHECK(refreshes == 1);
  CHECK(s.script->Done().ok());
}

TEST_CASE("XOAUTH2 without a refresh source fails kAuth after the first NO") {
  auto s = ConnectScripted({Server("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] hi\r\n"),
                            Client(std::string("A1 AUTHENTICATE XOAUTH2 ") + kOldXOAuth2 + "\r\n"),
                            Server("A1 NO AUTHENTICATE failed.\r\n")});
  REQUIRE(s.client);
  int refreshes = 0;
  auth::Credentials c = OAuth(&refreshes);
  c.refresh = nullptr;
  Status st = s.client->Login(c);
  CHECK(st.code() == ErrorCode::kAuth);
  CHECK(s.script->Done().ok());
}

TEST_CASE("a one-line login carries ID, ENABLE and the LIST-STATUS listing in its flight") {
  const std::string kGreeting =
      "* OK [CAPABILITY IMAP4rev1 SASL-IR ID ENABLE LITERAL+ AUTH=PLAIN] hi\r\n";
  auto s = ConnectScripted(
      {Server(kGreeting),
       Client("A1 AUTHENTICATE PLAIN AGpvZQBzZWNyZXQ=\r\n"
              "A2 ID (\"name\" \"mailhoard\" \"vendor\" \"mailhoard\")\r\n"
              "A3 ENABLE QRESYNC CONDSTORE UTF8=ACCEPT\r\n"
              "A4 LIST \"\" \"*\" RETURN (SPECIAL-USE STATUS (MESSAGES UIDNEXT UIDVALIDITY "
              "HIGHESTMODSEQ))\r\n"),
       Server("A1 OK [CAPABILITY IMAP4rev1 ID ENABLE QRESYNC CONDSTORE LIST-STATUS] in\r\n"
              "* ID NIL\r\nA2 OK\r\n* ENABLED QRESYNC\r\nA3 OK\r\n"
              "* LIST (\\Sent) \"/\" Sent\r\n"
              "* STATUS Sent (MESSAGES 2 UIDNEXT 3 UIDVALIDITY 7 HIGHESTMODSEQ 9)\r\n"
              "* LIST () \"/\" INBOX\r\n"
              "* STATUS INBOX (MESSAGES 1 UIDNEXT 2 UIDVALIDITY 5 HIGHESTMODSEQ 4)\r\n"
              "A4 OK\r\n")});
  REQUIRE(s.client);
  auto boxes = s.client->LoginAndList(Password("joe", "secret"));
  REQUIRE(boxes.ok());
  CHECK(s.client->qresync());
  CHECK_FALSE(s.client->utf8_accept());
  REQUIRE(boxes->size() == 2);
  CHECK((*boxes)[0].special_use == "\\Sent");
  REQUIRE((*boxes)[1].status);
  CHECK((*boxes)[1].status->uidnext == 2u);
  CHECK((*boxes)[1].status->highestmodseq == 4u);
  CHECK(s.script->Done().ok());
}

TEST_CASE("a server without LIST-STATUS answers the speculative LIST BAD and gets a plain one") {
  auto s = ConnectScripted(
      {Server("* OK [CAPABILITY IMAP4rev1 SASL-IR ID AUTH=PLAIN] hi\r\n"),
       Client("A1 AUTHENTICATE PLAIN AGpvZQBzZWNyZXQ=\r\n"
              "A2 ID (\"name\" \"mailhoard\" \"vendor\" \"mailhoard\")\r\n"
              "A3 LIST \"\" \"*\" RETURN (SPECIAL-USE STATUS (MESSAGES UIDNEXT UIDVALIDITY))\r\n"),
       Server("A1 OK [CAPABILITY IMAP4rev1 ID] in\r\nA2 OK\r\n"
              "A3 BAD unknown return option\r\n"),
       Client("A4 LIST \"\" \"*\"\r\n"), Server("* LIST () \"/\" INBOX\r\nA4 OK\r\n"),
       Client("A5 STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY)\r\n"),
       Server("* STATUS INBOX (MESSAGES 1 UIDNEXT 2 UIDVALIDITY 5)\r\nA5 OK\r\n")});
  REQUIRE(s.client);
  auto boxes = s.client->LoginAndList(Password("joe", "secret"));
  INFO(boxes.status().ToString());
  REQUIRE(boxes.ok());
  REQUIRE(boxes->size() == 1);
  REQUIRE((*boxes)[0].status);
  CHECK((*boxes)[0].status->messages == 1u);
  CHECK(s.script->Done().ok());
}

TEST_CASE("a rejected one-line login is kAuth, the commands behind it are drained") {
  auto s = ConnectScripted({Server("* OK [CAPABILITY IMAP4rev1 SASL-IR ENABLE AUTH=PLAIN] hi\r\n"),
                            Client("A1 AUTHENTICATE PLAIN AGpvZQBzZWNyZXQ=\r\n"
                                   "A2 ENABLE QRESYNC CONDSTORE UTF8=ACCEPT\r\n"),
                            Server("A1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"
                                   "A2 BAD Not authenticated\r\n")});
  REQUIRE(s.client);
  Status st = s.client->Login(Password("joe", "secret"));
  CHECK(st.code() == ErrorCode::kAuth);
  CHECK(st.retry() == RetryClass::kAuth);
  CHECK_FALSE(s.client->authenticated());
  CHECK_FALSE(s.client->broken());
  CHECK(s.script->Done().ok());
}

TEST_CASE("a continuation during a one-line login is a protocol error, not a SASL step") {
  auto s = ConnectScripted({Server("* OK [CAPABILITY IMAP4rev1 SASL-IR ID AUTH=PLAIN] hi\r\n"),
                            Client("A1 AUTHENTICATE PLAIN AGpvZQBzZWNyZXQ=\r\n"
                                   "A2 ID (\"name\" \"mailhoard\" \"vendor\" \"mailhoard\")\r\n"),
                            Server("+ \r\n")});
  REQUIRE(s.client);
  Status st = s.client->Login(Password("joe", "secret"));
  CHECK(st.code() == ErrorCode::kProtocol);
  CHECK(s.client->broken());
}

TEST_CASE("ENABLE refused in the login's flight is retried with the post-login list") {
  auto s = ConnectScripted(
      {Server("* OK [CAPABILITY IMAP4rev1 SASL-IR ENABLE AUTH=PLAIN] hi\r\n"),
       Client("A1 AUTHENTICATE PLAIN AGpvZQBzZWNyZXQ=\r\n"
              "A2 ENABLE QRESYNC CONDSTORE UTF8=ACCEPT\r\n"),
       Server("A1 OK [CAPABILITY IMAP4rev1 ENABLE CONDSTORE] in\r\nA2 BAD what\r\n"),
       Client("A3 ENABLE CONDSTORE\r\n"), Server("* ENABLED CONDSTORE\r\nA3 OK\r\n")});
  REQUIRE(s.client);
  REQUIRE(s.client->Login(Password("joe", "secret")).ok());
  CHECK(s.client->condstore());
  CHECK_FALSE(s.client->qresync());
  CHECK(s.script->Done().ok());
}

TEST_CASE("LOGOUT does not wait for the server's BYE") {
  auto s = ConnectScripted({Server("* OK [CAPABILITY IMAP4rev1] hi\r\n"), Client("A1 LOGOUT\r\n")});
  REQUIRE(s.client);
  CHECK(s.client->Logout().ok());
  CHECK(s.script->Done().ok());
}

}  // namespace
}  // namespace mailhoard::imap::testing
