// Exact bytes of every SASL mechanism, and the error-challenge handling the
// OAuth mechanisms need so a rejected token can be refreshed and retried.
#include "engine/auth/sasl.h"

#include <catch2/catch.hpp>
#include <string>

using namespace std::string_literals;

namespace mailhoard::auth {
namespace {

std::string Token(size_t n) {
  std::string t;
  for (size_t i = 0; i < n; ++i) t += "abcdefghijklmnopqrstuvwxyz0123456789-._"[i % 39];
  return t;
}

TEST_CASE("PLAIN without authzid is NUL user NUL password") {
  auto m = MakePlain("alice", "s3cret");
  CHECK(m->name() == "PLAIN");
  CHECK(m->has_initial_response());
  CHECK_FALSE(m->done());
  auto r = m->InitialResponse();
  REQUIRE(r.ok());
  CHECK(*r == "\0alice\0s3cret"s);
  CHECK(m->done());
  CHECK_FALSE(m->Step("more").ok());
}

TEST_CASE("PLAIN with authzid puts it first") {
  auto r = MakePlain("admin", "pw", "alice@example.com")->InitialResponse();
  REQUIRE(r.ok());
  CHECK(*r == "alice@example.com\0admin\0pw"s);
}

TEST_CASE("PLAIN without SASL-IR answers the empty first challenge") {
  auto m = MakePlain("bob", "pw");
  auto r = m->Step("");
  REQUIRE(r.ok());
  CHECK(*r == "\0bob\0pw"s);
  CHECK(m->done());
}

TEST_CASE("PLAIN refuses a NUL inside a field and does not echo it") {
  auto r = MakePlain("bob", "zq\0xy"s)->InitialResponse();
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == ErrorCode::kInvalidArgument);
  CHECK(r.status().message().find("zq") == std::string::npos);
}

TEST_CASE("LOGIN answers Username: then Password:") {
  auto m = MakeLogin("carol", "hunter2");
  CHECK(m->name() == "LOGIN");
  CHECK_FALSE(m->has_initial_response());
  CHECK_FALSE(m->InitialResponse().ok());
  auto u = m->Step("Username:");
  REQUIRE(u.ok());
  CHECK(*u == "carol");
  CHECK_FALSE(m->done());
  auto p = m->Step("Password:");
  REQUIRE(p.ok());
  CHECK(*p == "hunter2");
  CHECK(m->done());
  CHECK_FALSE(m->Step("Password:").ok());
}

TEST_CASE("LOGIN goes by order when the challenges say nothing useful") {
  auto m = MakeLogin("carol", "hunter2");
  CHECK(*m->Step("") == "carol");
  CHECK(*m->Step("") == "hunter2");
  CHECK(m->done());
}

TEST_CASE("LOGIN answers a password prompt that comes first") {
  auto m = MakeLogin("carol", "hunter2");
  CHECK(*m->Step("User Name") == "carol");
  auto m2 = MakeLogin("carol", "hunter2");
  CHECK(*m2->Step("Password:") == "hunter2");
  CHECK(m2->done());
}

TEST_CASE("XOAUTH2 initial response is user=…^Aauth=Bearer …^A^A") {
  auto m = MakeXOAuth2("dave@example.com", "ya29.tok");
  CHECK(m->name() == "XOAUTH2");
  auto r = m->InitialResponse();
  REQUIRE(r.ok());
  CHECK(*r ==
        "user=dave@example.com\x01"
        "auth=Bearer ya29.tok\x01\x01"s);
  CHECK_FALSE(m->done());
  CHECK_FALSE(m->token_rejected());
}

TEST_CASE("XOAUTH2 carries a 4 KB token whole") {
  std::string token = Token(4096);
  auto r = MakeXOAuth2("u", token)->InitialResponse();
  REQUIRE(r.ok());
  CHECK(r->size() == 4096 + 5 + 1 + 1 + 12 + 2);
  CHECK(*r ==
        "user=u\x01"
        "auth=Bearer "s +
            token + "\x01\x01");
}

TEST_CASE("XOAUTH2 error challenge: empty reply, then a token-rejected failure") {
  auto m = MakeXOAuth2("dave", "expired");
  REQUIRE(m->InitialResponse().ok());
  auto reply = m->Step(R"({"status":"401","schemes":"bearer","scope":"https://mail.google.com/"})");
  REQUIRE(reply.ok());
  CHECK(*reply == "");
  CHECK(m->done());
  REQUIRE(m->token_rejected());
  CHECK(m->rejection()->status == "401");
  CHECK(m->rejection()->schemes == "bearer");
  CHECK(m->rejection()->scope == "https://mail.google.com/");
  Status s = m->Failure("[AUTHENTICATIONFAILED] Authentication failed.");
  CHECK(s.code() == ErrorCode::kAuth);
  CHECK(IsTokenRejected(s));
  CHECK(s.message().find("401") != std::string::npos);
  CHECK(s.message().find("expired") == std::string::npos);  // never the token
  CHECK_FALSE(m->Step("again").ok());
}

TEST_CASE("XOAUTH2 challenge that is not JSON still counts as a rejection") {
  auto m = MakeXOAuth2("dave", "t");
  REQUIRE(m->InitialResponse().ok());
  auto reply = m->Step("garbage");
  REQUIRE(reply.ok());
  CHECK(*reply == "");
  CHECK(m->token_rejected());
  CHECK(m->rejection()->status.empty());
}

TEST_CASE("a plain NO without a challenge is not a token rejection") {
  auto m = MakeXOAuth2("dave", "t");
  REQUIRE(m->InitialResponse().ok());
  Status s = m->Failure("Authentication failed");
  CHECK(s.code() == ErrorCode::kAuth);
  CHECK(s.retry() == RetryClass::kAuth);
  CHECK_FALSE(IsTokenRejected(s));
  CHECK_FALSE(IsTokenRejected(MakePlain("a", "b")->Failure("x")));
}

TEST_CASE("OAUTHBEARER initial response follows RFC 7628") {
  auto m = MakeOAuthBearer("erin@example.com", "tok", "imap.example.com", 993);
  CHECK(m->name() == "OAUTHBEARER");
  auto r = m->InitialResponse();
  REQUIRE(r.ok());
  CHECK(*r ==
        "n,a=erin@example.com,\x01host=imap.example.com\x01port=993\x01"
        "auth=Bearer tok\x01\x01"s);
}

TEST_CASE("OAUTHBEARER escapes , and = in the user name (RFC 5801 saslname)") {
  auto r = MakeOAuthBearer("a,b=c", "t", "h", 143)->InitialResponse();
  REQUIRE(r.ok());
  CHECK(r->starts_with("n,a=a=2Cb=3Dc,\x01"));
}

TEST_CASE("OAUTHBEARER carries a 4 KB token and answers the error challenge with ^A") {
  std::string token = Token(4000);
  auto m = MakeOAuthBearer("u", token, "127.0.0.1", 143);
  auto r = m->InitialResponse();
  REQUIRE(r.ok());
  CHECK(r->find("auth=Bearer " + token + "\x01\x01") != std::string::npos);
  auto reply = m->Step(R"({"status":"invalid_token","scope":"mail","openid-configuration":"x"})");
  REQUIRE(reply.ok());
  CHECK(*reply == "\x01");
  REQUIRE(m->token_rejected());
  CHECK(m->rejection()->status == "invalid_token");
  CHECK(IsTokenRejected(m->Failure("")));
}

TEST_CASE("ParseBearerRejection accepts a numeric status") {
  auto r = ParseBearerRejection(R"({"status":401})");
  REQUIRE(r);
  CHECK(r->status == "401");
  CHECK_FALSE(ParseBearerRejection("[1,2]"));
  CHECK_FALSE(ParseBearerRejection(""));
}

}  // namespace
}  // namespace mailhoard::auth
