// SMTP replies to AUTH and what each means for a report: the servers' real
// lines (Dovecot 2.3 submission, Exchange Online) classified as refresh once,
// retry later, tell the administrator, or fix the password.
#include "engine/smtp/smtp_reply.h"

#include <catch2/catch.hpp>

#include "engine/auth/sasl.h"

namespace mailhoard::smtp {
namespace {

SmtpReply Parse(std::string_view line) {
  auto r = ParseReplyLine(line);
  REQUIRE(r.has_value());
  return *r;
}

TEST_CASE("reply lines: code, enhanced code, text, continuation lines, not a reply") {
  SmtpReply r = Parse("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication\r\n");
  CHECK(r.code == 535);
  CHECK(r.enhanced == "5.7.139");
  CHECK(r.text == "Authentication unsuccessful, SmtpClientAuthentication");
  SmtpReply c = Parse("250-PIPELINING");
  CHECK(c.code == 250);
  CHECK(c.enhanced.empty());
  CHECK(c.text == "PIPELINING");
  CHECK(Parse("334 ").code == 334);
  CHECK(Parse("250").text.empty());
  // Not an enhanced code: four digits in a part, or letters.
  CHECK(Parse("550 5.1.1000 x").enhanced.empty());
  CHECK(Parse("550 a.b.c x").enhanced.empty());
  CHECK_FALSE(ParseReplyLine("hello").has_value());
  CHECK_FALSE(ParseReplyLine("25 x").has_value());
  CHECK_FALSE(ParseReplyLine("250x").has_value());
}

TEST_CASE(
    "a dead bearer token: Dovecot's 334 challenge, its 535 5.7.8 and Exchange's 535 5.7.3 "
    "all mean refresh once") {
  // Dovecot sends the challenge first and the verdict after our empty reply;
  // Exchange sends only the verdict. Either may be the last reply we see.
  const char* lines[] = {
      "334 eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJtYWlsIn0=",
      "535 5.7.8 Authentication failed",
      "535 5.7.3 Authentication unsuccessful",
  };
  for (const char* line : lines) {
    INFO(line);
    SmtpReply r = Parse(line);
    CHECK(ClassifyAuthReply(r, /*bearer=*/true) == AuthFailure::kTokenRejected);
    Status s = AuthFailureStatus(r, true, "me@contoso.com");
    // What SmtpRoute::Send looks for before its one refresh.
    CHECK(auth::IsTokenRejected(s));
    CHECK(s.message().find(line) != std::string::npos);  // the server's words kept
  }
  // The same 535 to a password is the password's fault, not a token's.
  SmtpReply pw = Parse("535 5.7.8 Authentication failed");
  CHECK(ClassifyAuthReply(pw, false) == AuthFailure::kCredentialsRejected);
  Status s = AuthFailureStatus(pw, false, "me");
  CHECK_FALSE(auth::IsTokenRejected(s));
  CHECK(s.retry() == RetryClass::kAuth);
  CHECK(s.message().find("password") != std::string::npos);
}

TEST_CASE("454 4.7.0 is retry later, for a token and a password alike, never a refresh") {
  SmtpReply r = Parse("454 4.7.0 Temporary authentication failure");
  for (bool bearer : {true, false}) {
    CHECK(ClassifyAuthReply(r, bearer) == AuthFailure::kRetryLater);
    Status s = AuthFailureStatus(r, bearer, "me");
    CHECK_FALSE(auth::IsTokenRejected(s));
    CHECK(s.retry() == RetryClass::kTransient);
    CHECK(s.message().find("tries again") != std::string::npos);
    CHECK(s.message().find("454 4.7.0") != std::string::npos);
  }
}

TEST_CASE("535 5.7.139: SMTP AUTH switched off, explained with the switch, never refreshed") {
  SmtpReply r = Parse(
      "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the "
      "Tenant.");
  for (bool bearer : {true, false}) {
    CHECK(ClassifyAuthReply(r, bearer) == AuthFailure::kSmtpAuthDisabled);
    Status s = AuthFailureStatus(r, bearer, "me@contoso.com");
    CHECK_FALSE(auth::IsTokenRejected(s));
    CHECK(s.retry() == RetryClass::kAuth);
    CHECK(s.message().find("Set-CASMailbox -Identity me@contoso.com "
                           "-SmtpClientAuthenticationDisabled $false") != std::string::npos);
    CHECK(s.message().find("Authenticated SMTP") != std::string::npos);
  }
}

}  // namespace
}  // namespace mailhoard::smtp
