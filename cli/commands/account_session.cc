#include "cli/commands/account_session.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>

#include "cli/commands/tenant_tokens.h"
#include "cli/credentials.h"
#include "storage/index/index.h"

namespace mailhoard::cli {

std::string TokenStorePath(const AccountConfig& account) {
  return account.oauth ? account.oauth->token_file : std::string();
}

std::string LegacyTokenStorePath(const AccountConfig& account) {
  return account.archive_dir + "/.oauth-token.json";
}

Result<auth::TokenStore> OpenTokenStore(const AccountConfig& account,
                                        std::vector<std::string>* notices) {
  if (!account.oauth || account.oauth->token_file.empty()) {
    return InternalError("account " + account.name + " has no token file configured");
  }
  auth::TokenStore store(TokenStorePath(account));
  const std::string legacy = LegacyTokenStorePath(account);
  auto moved = auth::MoveLegacyTokenFile(legacy, store);
  if (!moved.ok()) {
    return moved.status().WithContext("moving the OAuth token out of the archive (" + legacy +
                                      " to " + store.path() + ")");
  }
  if (*moved && notices) {
    notices->push_back("moved the OAuth token out of the archive, from " + legacy + " to " +
                       store.path());
  }
  return store;
}

Result<auth::OAuthEndpoints> OAuthEndpointsFor(const AccountConfig& account,
                                               std::vector<std::string>* warnings) {
  if (!account.oauth) return InvalidArgument("account " + account.name + " has no [oauth] table");
  const OAuthConfig& o = *account.oauth;
  auth::OAuthEndpoints e;
  e.device_url = o.device_url;
  e.token_url = o.token_url;
  e.authorize_url = o.authorize_url;
  for (const auto& s : o.scopes) e.scopes += (e.scopes.empty() ? "" : " ") + s;
  e.client_id = o.client_id;
  e.tenant = o.tenant;
  if (o.client_secret.present()) {
    MH_ASSIGN_OR_RETURN(std::string secret, ResolveSecret(o.client_secret, warnings));
    e.client_secret = std::move(secret);
  }
  return e;
}

std::shared_ptr<auth::OAuthClient> MakeOAuthClient(const AccountConfig& account,
                                                   const auth::OAuthEndpoints& endpoints) {
  auth::OAuthClientOptions options;
  options.account = account.name;
  if (account.oauth) options.http.ca_file = account.oauth->ca_file;
  // Test and private identity providers on loopback may be plain http.
  options.http.allow_http = endpoints.token_url.rfind("http://127.", 0) == 0 ||
                            endpoints.token_url.rfind("http://localhost", 0) == 0;
  return std::make_shared<auth::OAuthClient>(endpoints, options);
}

Result<std::unique_ptr<sync::Archive>> OpenArchive(const AccountConfig& account) {
  sync::ArchiveOptions o;
  o.account_dir = account.archive_dir;
  o.layout = account.layout == Layout::kNested ? maildir::Layout::kNested
                                               : maildir::Layout::kMaildirPlusPlus;
  switch (account.durability) {
    case Durability::kFull:
      o.durability = maildir::Durability::kFull;
      break;
    case Durability::kBatch:
      o.durability = maildir::Durability::kBatch;
      break;
    case Durability::kNone:
      o.durability = maildir::Durability::kNone;
      break;
  }
  o.line_endings = account.line_endings == LineEndings::kLf ? maildir::LineEndings::kLf
                                                            : maildir::LineEndings::kAsIs;
  o.dedupe = account.dedupe;
  return sync::Archive::Open(std::move(o));
}

Result<std::unique_ptr<index::Index>> OpenIndexReadOnly(const AccountConfig& account) {
  index::IndexOptions o;
  o.read_only = true;
  o.create_if_missing = false;
  return index::Index::Open(IndexPath(account), o);
}

std::string IndexPath(const AccountConfig& account) {
  return account.archive_dir + "/.mailhoard.sqlite";
}

bool HasIndex(const AccountConfig& account) {
  std::error_code ec;
  return std::filesystem::exists(IndexPath(account), ec);
}

net::ConnectOptions ConnectOptionsFor(const AccountConfig& account) {
  net::ConnectOptions c;
  switch (account.tls) {
    case TlsMode::kImplicit:
      c.tls = net::TlsMode::kImplicit;
      break;
    case TlsMode::kStartTls:
      c.tls = net::TlsMode::kStartTls;
      break;
    case TlsMode::kNone:
      c.tls = net::TlsMode::kNone;
      break;
  }
  c.tls_options.verify = account.tls_verify;
  c.tls_options.ca_file = account.tls_ca_file;
  c.tls_options.fingerprint = account.tls_fingerprint;
  c.io_timeout = account.timeout;
  c.connect_timeout = std::min<std::chrono::milliseconds>(c.connect_timeout, account.timeout);
  return c;
}

auth::AuthMethod EngineAuthMethod(AuthMethod configured) {
  switch (configured) {
    case AuthMethod::kPlain:
      return auth::AuthMethod::kAuto;
    case AuthMethod::kLogin:
      return auth::AuthMethod::kLogin;
    case AuthMethod::kXoauth2:
      return auth::AuthMethod::kXOAuth2;
    case AuthMethod::kOauthBearer:
      return auth::AuthMethod::kOAuthBearer;
    case AuthMethod::kUser:
      return auth::AuthMethod::kPasswordCommand;
    case AuthMethod::kApop:
      return auth::AuthMethod::kApop;
  }
  return auth::AuthMethod::kAuto;
}

Result<auth::Credentials> CredentialsFor(const AccountConfig& account,
                                         std::vector<std::string>* warnings,
                                         TenantTokens* tenants) {
  auth::Credentials c;
  c.user = account.user;
  c.method = EngineAuthMethod(account.auth);
  if (!account.tenant.empty()) {
    TenantTokens own;
    MH_ASSIGN_OR_RETURN(std::shared_ptr<auth::AppTokenSource> source,
                        (tenants ? tenants : &own)->For(account, warnings));
    c.secret = [source] { return source->AccessToken(); };
    c.refresh = [source] { return source->ForceRefresh(); };
    return c;
  }
  if (IsOAuth(account.auth)) {
    MH_ASSIGN_OR_RETURN(auth::OAuthEndpoints endpoints, OAuthEndpointsFor(account, warnings));
    MH_ASSIGN_OR_RETURN(auth::TokenStore store, OpenTokenStore(account, warnings));
    auto provider = std::make_shared<auth::OAuthTokenProvider>(std::move(store),
                                                               MakeOAuthClient(account, endpoints));
    c.secret = [provider] { return provider->AccessToken(); };
    c.refresh = [provider] { return provider->ForceRefresh(); };
    return c;
  }
  // Resolved once, up front: a password_cmd that prompts or fails should do
  // so before any connection is opened, and only once per run.
  MH_ASSIGN_OR_RETURN(std::string password, ResolveSecret(account.password, warnings));
  auto shared = std::make_shared<std::string>(std::move(password));
  c.secret = [shared]() -> Result<std::string> { return *shared; };
  return c;
}

imap::ClientOptions ImapClientOptionsFor(const AccountConfig& account, imap::TraceSink* trace,
                                         CommandContext& ctx) {
  imap::ClientOptions o;
  o.endpoint = {account.host, account.port};
  o.connect = ConnectOptionsFor(account);
  o.allow_plaintext_login = account.allow_plaintext;
  o.compress = account.compress == Compress::kAlways  ? imap::Compression::kAlways
               : account.compress == Compress::kNever ? imap::Compression::kNever
                                                      : imap::Compression::kAuto;
  o.trace = trace;
  o.on_alert = [&ctx, name = account.name](std::string_view text) {
    ctx.PrintWarning(name + ": server alert: " + std::string(text));
  };
  return o;
}

}  // namespace mailhoard::cli
