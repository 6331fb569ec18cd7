// `mailhoard login ACCOUNT`: the one interactive step. OAuth2 accounts sign
// in (device code, authorization code + PKCE, or client credentials) and the
// token is stored owner-only in the state directory; password accounts just
// prove that the password works.
#include <signal.h>

#include <atomic>
#include <chrono>

#include "cli/commands/account_session.h"
#include "cli/commands/engine_handlers.h"
#include "cli/report/report_scopes.h"
#include "engine/auth/oauth2_auth_code.h"
#include "engine/auth/oauth2_client.h"
#include "engine/auth/token_store.h"
#include "engine/imap/client/imap_client.h"
#include "engine/pop3/pop3_client.h"

namespace mailhoard::cli {
namespace {

std::atomic<bool> g_cancel{false};

extern "C" void OnLoginSignal(int) { g_cancel.store(true); }

void InstallCancelHandler() {
  struct sigaction sa {};
  sa.sa_handler = OnLoginSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// The device flow waits `interval` seconds between polls; sleeping in small
// steps lets Ctrl-C end it at once instead of after the next poll.
class InterruptibleClock final : public Clock {
 public:
  TimePoint Now() override { return RealClock().Now(); }
  WallTime WallNow() override { return RealClock().WallNow(); }
  void SleepFor(std::chrono::milliseconds d) override {
    const TimePoint until = Now() + d;
    while (!g_cancel.load() && Now() < until) RealClock().SleepFor(std::chrono::milliseconds(100));
  }
};

// Signs in to the POP3 server and leaves at once: QUIT after a sign-in with
// no DELE changes nothing in the maildrop.
Status Pop3SignIn(const AccountConfig& account, const auth::Credentials& creds) {
  pop3::ClientOptions co;
  co.endpoint = {account.host, account.port};
  co.connect = ConnectOptionsFor(account);
  co.allow_plaintext_login = account.allow_plaintext;
  MH_ASSIGN_OR_RETURN(std::unique_ptr<pop3::Pop3Client> client, pop3::Pop3Client::Connect(co));
  MH_RETURN_IF_ERROR(client->Login(creds));
  return client->Quit();
}

int CheckPassword(CommandContext& ctx, const AccountConfig& account) {
  std::vector<std::string> warnings;
  auto creds = CredentialsFor(account, &warnings);
  for (const auto& w : warnings) ctx.PrintWarning(account.name + ": " + w);
  if (!creds.ok()) return ctx.ReportAccountFailure(creds.status().WithContext(account.name));
  if (account.protocol == Protocol::kPop3) {
    Status s = Pop3SignIn(account, *creds);
    if (!s.ok()) return ctx.ReportAccountFailure(s.WithContext(account.name));
    if (!ctx.quiet) {
      ctx.out << account.name << ": password accepted for " << account.user << " at "
              << account.host << " (POP3); nothing to store (auth = " << ToString(account.auth)
              << ")\n";
    }
    return kExitOk;
  }
  imap::ClientOptions co;
  co.endpoint = {account.host, account.port};
  co.connect = ConnectOptionsFor(account);
  co.allow_plaintext_login = account.allow_plaintext;
  co.compress = imap::Compression::kNever;
  auto client = imap::ImapClient::Connect(co);
  if (!client.ok()) return ctx.ReportAccountFailure(client.status().WithContext(account.name));
  Status s = (*client)->Login(*creds);
  (void)(*client)->Logout();
  if (!s.ok()) return ctx.ReportAccountFailure(s.WithContext(account.name));
  if (!ctx.quiet) {
    ctx.out << account.name << ": password accepted for " << account.user << " at " << account.host
            << "; nothing to store (auth = " << ToString(account.auth) << ")\n";
  }
  return kExitOk;
}

Result<auth::TokenSet> DeviceFlow(CommandContext& ctx, auth::OAuthClient& client) {
  MH_ASSIGN_OR_RETURN(auth::DeviceAuthorization device, client.StartDeviceFlow());
  std::string message = device.message;
  if (message.empty()) {
    message =
        "To sign in, open " + device.verification_uri + " and enter the code " + device.user_code;
  }
  // On stderr: stdout may be a log, and the prompt is for the human now.
  ctx.err << message << "\n";
  if (!device.verification_uri_complete.empty()) {
    ctx.err << "(or open " << device.verification_uri_complete << ")\n";
  }
  ctx.err << "Waiting for the sign-in; Ctrl-C cancels.\n";
  ctx.err.flush();
  return client.PollDeviceFlow(device);
}

Result<auth::TokenSet> AuthCodeFlow(CommandContext& ctx, auth::OAuthClient& client) {
  MH_ASSIGN_OR_RETURN(auth::AuthorizationCodeFlow flow, auth::AuthorizationCodeFlow::Begin(client));
  ctx.err << "Open this URL in a browser on this machine to sign in:\n\n  " << flow.authorize_url()
          << "\n\nWaiting for the browser to return to " << flow.redirect_uri()
          << " (5 minutes; Ctrl-C cancels).\n";
  ctx.err.flush();
  return flow.Finish(std::chrono::minutes(5));
}

int OAuthLogin(CommandContext& ctx, const AccountConfig& account) {
  std::vector<std::string> warnings;
  auto endpoints = OAuthEndpointsFor(account, &warnings);
  for (const auto& w : warnings) ctx.PrintWarning(account.name + ": " + w);
  if (!endpoints.ok())
    return ctx.ReportAccountFailure(endpoints.status().WithContext(account.name));

  // As MakeOAuthClient, plus Ctrl-C and an interruptible wait.
  auth::OAuthClientOptions options;
  options.account = account.name;
  options.http.ca_file = account.oauth->ca_file;
  options.http.allow_http = endpoints->token_url.rfind("http://127.", 0) == 0 ||
                            endpoints->token_url.rfind("http://localhost", 0) == 0;
  options.cancelled = [] { return g_cancel.load(); };
  InterruptibleClock clock;
  options.clock = &clock;
  auth::OAuthClient client(*endpoints, options);
  InstallCancelHandler();

  Result<auth::TokenSet> tokens = InternalError("no flow");
  std::string grant = "refresh_token";
  switch (account.oauth->flow) {
    case OAuthFlow::kDevice:
      tokens = DeviceFlow(ctx, client);
      break;
    case OAuthFlow::kAuthCode:
      tokens = AuthCodeFlow(ctx, client);
      break;
    case OAuthFlow::kClientCredentials:
      // Nothing to sign in to: fetching a token now proves the app
      // registration (client id, secret, tenant, consent) works.
      tokens = client.ClientCredentials();
      grant = "client_credentials";
      break;
  }
  if (g_cancel.load()) {
    ctx.PrintError(account.name + ": sign-in cancelled; nothing stored");
    return kExitAuth;
  }
  if (!tokens.ok()) return ctx.ReportAccountFailure(tokens.status().WithContext(account.name));

  // Save() creates the state directory (0700) on a first sign-in.
  auth::TokenStore store(TokenStorePath(account));
  Status saved = store.Save(auth::ToStoredToken(*tokens, clock.WallNow(), grant));
  if (!saved.ok()) return ctx.ReportAccountFailure(saved.WithContext(account.name));
  // A new sign-in replaces a token an older version left in the archive.
  const std::string legacy = LegacyTokenStorePath(account);
  auto removed = legacy == store.path() ? Result<bool>(false) : auth::RemoveTokenFile(legacy);
  if (!removed.ok()) {
    ctx.PrintWarning(account.name + ": " + removed.status().message());
  } else if (*removed) {
    ctx.PrintWarning(account.name + ": removed the old token file " + legacy +
                     " from the archive; tokens now live in " + store.path());
  }
  if (!ctx.quiet) {
    ctx.out << account.name << ": signed in as " << account.user << " (" << ToString(account.auth)
            << ", " << ToString(account.oauth->flow) << "); token stored in " << store.path()
            << "\n";
  }
  return kExitOk;
}

}  // namespace

int RunLogin(CommandContext& ctx, const LoginOptions& options) {
  CommandAccounts loaded = LoadAccount(ctx, options.account, {.repeat_config_warnings = true});
  if (!loaded.ok()) return loaded.exit_code;
  const AccountConfig* account = &loaded.account();
  if (IsOAuth(account->auth)) {
    if (!account->oauth) {
      ctx.PrintError(account->name + ": auth = " + ToString(account->auth) +
                     " needs an [accounts." + account->name + ".oauth] table");
      return kExitUsage;
    }
    // A [report] that sends with this sign-in needs its SMTP scope granted
    // now: the sign-in is the only step with a human present.
    AccountConfig signing_in = *account;
    signing_in.oauth->scopes = SignInScopes(loaded.config, *account);
    if (signing_in.oauth->scopes != account->oauth->scopes && !ctx.quiet) {
      ctx.err << account->name << ": also asking for " << kMicrosoftSmtpScope
              << ", because [report] sends mail with this sign-in\n";
    }
    return OAuthLogin(ctx, signing_in);
  }
  return CheckPassword(ctx, *account);
}

}  // namespace mailhoard::cli
