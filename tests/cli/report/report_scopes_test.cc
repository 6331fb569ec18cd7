// Microsoft 365 sign-ins ask for SMTP.Send only when a [report] sends mail
// with that account's tokens: adding it always would break sign-in for app
// registrations that were never granted it.
#include "cli/report/report_scopes.h"

#include <catch2/catch.hpp>

#include "cli/config.h"
#include "tests/cli/test_util.h"

namespace mailhoard::cli {
namespace {

Config Parse(const std::string& text) {
  Result<Config> c = ParseConfig(text, "t.toml", testing::FakeEnv({{"HOME", "/h"}}));
  INFO(c.status().message());
  REQUIRE(c.ok());
  return std::move(c).value();
}

const std::string kAccounts =
    "archive = \"/a\"\n"
    "[accounts.work]\nprovider = \"microsoft365\"\nuser = \"me@contoso.com\"\n"
    "[accounts.work.oauth]\nclient_id = \"cid\"\n"
    "[accounts.other]\nprovider = \"microsoft365\"\nuser = \"you@contoso.com\"\n"
    "[accounts.other.oauth]\nclient_id = \"cid\"\n";

const std::string kReportHead =
    "from = \"hoard@contoso.com\"\nto = \"me@contoso.com\"\n"
    "smtp_host = \"smtp.office365.com\"\n";

const std::vector<std::string> kImapOnly = {"https://outlook.office.com/IMAP.AccessAsUser.All",
                                            "offline_access"};
const std::vector<std::string> kImapAndSmtp = {"https://outlook.office.com/IMAP.AccessAsUser.All",
                                               "https://outlook.office.com/SMTP.Send",
                                               "offline_access"};

TEST_CASE("no [report]: the preset's scopes alone") {
  Config c = Parse(kAccounts);
  CHECK(SignInScopes(c, c.accounts[0]) == kImapOnly);
  CHECK_FALSE(ReportUsesAccount(c, c.accounts[0]));
}

TEST_CASE("a [report] with xoauth2 through the account: SMTP.Send added, for that account only") {
  Config c = Parse(kAccounts + "[report]\n" + kReportHead +
                   "auth = \"xoauth2\"\noauth_account = \"work\"\n");
  CHECK(SignInScopes(c, *c.FindAccount("work")) == kImapAndSmtp);
  CHECK(SignInScopes(c, *c.FindAccount("other")) == kImapOnly);
  // The configured account is left alone; only the sign-in asks for more.
  CHECK(c.FindAccount("work")->oauth->scopes == kImapOnly);
}

TEST_CASE("a fallback route with oauthbearer counts too, a password route does not") {
  Config c = Parse(kAccounts + "[report]\n" + kReportHead +
                   "user = \"relay@contoso.com\"\npassword_env = \"PW\"\n"
                   "[[report.fallback]]\nsmtp_host = \"smtp.office365.com\"\n"
                   "auth = \"oauthbearer\"\noauth_account = \"other\"\n");
  CHECK(SignInScopes(c, *c.FindAccount("other")) == kImapAndSmtp);
  CHECK(SignInScopes(c, *c.FindAccount("work")) == kImapOnly);
}

TEST_CASE("SMTP.Send already listed, Gmail, and client credentials: nothing added") {
  Config listed = Parse(
      "archive = \"/a\"\n[accounts.work]\nprovider = \"microsoft365\"\nuser = \"me@c.com\"\n"
      "[accounts.work.oauth]\nclient_id = \"cid\"\nscopes = "
      "[\"https://outlook.office.com/IMAP.AccessAsUser.All\", "
      "\"https://outlook.office.com/SMTP.Send\", \"offline_access\"]\n"
      "[report]\n" +
      kReportHead + "auth = \"xoauth2\"\noauth_account = \"work\"\n");
  CHECK(SignInScopes(listed, listed.accounts[0]) == kImapAndSmtp);

  Config gmail = Parse(
      "archive = \"/a\"\n[accounts.g]\nprovider = \"gmail\"\nuser = \"me@gmail.com\"\n"
      "[accounts.g.oauth]\nclient_id = \"cid\"\nclient_secret_env = \"S\"\n"
      "[report]\nfrom = \"me@gmail.com\"\nto = \"me@gmail.com\"\n"
      "smtp_host = \"smtp.gmail.com\"\nauth = \"xoauth2\"\noauth_account = \"g\"\n");
  CHECK(SignInScopes(gmail, gmail.accounts[0]) ==
        std::vector<std::string>{"https://mail.google.com/"});

  Config app = Parse(
      "archive = \"/a\"\n[accounts.work]\nprovider = \"microsoft365\"\nuser = \"me@c.com\"\n"
      "[accounts.work.oauth]\nflow = \"client_credentials\"\nclient_id = \"cid\"\n"
      "tenant = \"contoso.com\"\nclient_secret_env = \"S\"\n[report]\n" +
      kReportHead + "auth = \"xoauth2\"\noauth_account = \"work\"\n");
  CHECK(SignInScopes(app, app.accounts[0]) ==
        std::vector<std::string>{"https://outlook.office365.com/.default"});
}

}  // namespace
}  // namespace mailhoard::cli
