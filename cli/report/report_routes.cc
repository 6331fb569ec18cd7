#include "cli/report/report_routes.h"

#include <unistd.h>

#include "cli/commands/account_session.h"
#include "cli/credentials.h"
#include "cli/report/report_scopes.h"

namespace mailhoard::cli {
namespace {

smtp::SmtpTls TlsFor(TlsMode m) {
  switch (m) {
    case TlsMode::kImplicit:
      return smtp::SmtpTls::kImplicit;
    case TlsMode::kStartTls:
      return smtp::SmtpTls::kStartTls;
    case TlsMode::kNone:
      return smtp::SmtpTls::kNone;
  }
  return smtp::SmtpTls::kStartTls;
}

// How a route signs in to its SMTP server (only when it authenticates).
auth::Credentials SmtpLogin(const Config& config, const ReportRoute& r) {
  auth::Credentials login;
  login.user = r.user;
  login.method = EngineAuthMethod(r.auth);
  if (IsOAuth(r.auth)) {
    // The account's own token store and refresh: one sign-in (`mailhoard
    // login NAME`, with the SMTP scope among its scopes) serves both.
    // A refresh asks for the scopes the sign-in had (SMTP.Send included).
    std::shared_ptr<AccountConfig> account;
    if (const AccountConfig* a = config.FindAccount(r.oauth_account)) {
      account = std::make_shared<AccountConfig>(*a);
      if (account->oauth) account->oauth->scopes = SignInScopes(config, *a);
    }
    auto creds = std::make_shared<Result<auth::Credentials>>(InternalError("not yet"));
    auto get = [account, creds]() -> Result<auth::Credentials>* {
      // Warnings about file modes were shown when the account itself ran.
      std::vector<std::string> warnings;
      if (!creds->ok() && account != nullptr) *creds = CredentialsFor(*account, &warnings);
      return creds.get();
    };
    login.secret = [get]() -> Result<std::string> {
      auto* c = get();
      if (!c->ok()) return c->status();
      return (*c)->secret();
    };
    login.refresh = [get]() -> Result<std::string> {
      auto* c = get();
      if (!c->ok()) return c->status();
      return (*c)->refresh();
    };
  } else {
    SecretSource source = r.password;
    login.secret = [source]() {
      std::vector<std::string> warnings;  // `config check` reports these
      return ResolveSecret(source, &warnings);
    };
  }
  return login;
}

std::unique_ptr<smtp::MailRoute> MakeRoute(const Config& config, const ReportRoute& r) {
  if (!r.sendmail.empty()) return smtp::MakeSendmailRoute(r.sendmail);
  smtp::SmtpRouteOptions o;
  o.host = r.smtp_host;
  o.port = r.smtp_port;
  o.tls = TlsFor(r.smtp_tls);
  o.allow_plaintext = r.allow_plaintext;
  o.ca_file = r.tls_ca_file;
  o.ehlo_name = r.ehlo.empty() ? LocalHostName() : r.ehlo;
  if (r.authenticates()) o.login = SmtpLogin(config, r);
  return smtp::MakeSmtpRoute(std::move(o));
}

}  // namespace

std::string LocalHostName() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

std::vector<std::unique_ptr<smtp::MailRoute>> MakeReportRoutes(const Config& config) {
  std::vector<std::unique_ptr<smtp::MailRoute>> routes;
  if (!config.report) return routes;
  routes.push_back(MakeRoute(config, *config.report));
  for (const auto& f : config.report->fallbacks) routes.push_back(MakeRoute(config, f));
  return routes;
}

}  // namespace mailhoard::cli
