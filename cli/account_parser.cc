#include "cli/account_parser.h"

#include <cctype>
#include <set>

#include "cli/config_location.h"
#include "cli/presets.h"

namespace mailhoard::cli {
namespace {

constexpr std::string_view kAccountKeys[] = {"provider",      "protocol",
                                             "host",          "port",
                                             "tls",           "allow_plaintext",
                                             "tls_ca_file",   "tls_fingerprint",
                                             "tls_verify",    "user",
                                             "auth",          "password_cmd",
                                             "password_file", "password_env",
                                             "policy",        "delete_after_days",
                                             "connections",   "layout",
                                             "durability",    "line_endings",
                                             "dedupe",        "folders",
                                             "compress",      "oauth",
                                             "push",          "timeout"};
constexpr std::string_view kOverrideKeys[] = {
    "host",       "port",         "policy", "delete_after_days", "connections", "layout",
    "durability", "line_endings", "dedupe", "folders",           "compress"};
constexpr std::string_view kFolderKeys[] = {"include", "exclude", "preset_excludes", "rename"};
constexpr std::string_view kPushKeys[] = {"include", "exclude", "rename"};
constexpr std::string_view kOAuthKeys[] = {"flow",
                                           "client_id",
                                           "tenant",
                                           "client_secret_cmd",
                                           "client_secret_file",
                                           "client_secret_env",
                                           "token_url",
                                           "device_url",
                                           "authorize_url",
                                           "scopes",
                                           "ca_file",
                                           "token_file"};

bool IsEnvName(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

uint16_t DefaultPort(Protocol protocol, TlsMode tls) {
  const bool implicit = tls == TlsMode::kImplicit;
  if (protocol == Protocol::kPop3) return implicit ? 995 : 110;
  return implicit ? 993 : 143;
}

// "sha256:AB:CD:..." (colons optional, any case) -> "sha256:abcd...".
bool NormalizeFingerprint(std::string_view in, std::string* out) {
  constexpr std::string_view kPrefix = "sha256:";
  if (in.size() < kPrefix.size()) return false;
  for (size_t i = 0; i < kPrefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(in[i])) != kPrefix[i]) return false;
  }
  std::string hex;
  for (char c : in.substr(kPrefix.size())) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (hex.size() != 64) return false;
  *out = std::string(kPrefix) + hex;
  return true;
}

Status ReadTls(const TableReader& r, const ProviderPreset* preset, AccountConfig* a) {
  if (preset) a->tls = (a->protocol == Protocol::kImap ? preset->imap : preset->pop3).tls;
  MH_RETURN_IF_ERROR(r.ReadEnum<TlsMode>("tls", kTlsModeNames, &a->tls));
  MH_RETURN_IF_ERROR(r.ReadBool("allow_plaintext", &a->allow_plaintext));
  if (a->tls == TlsMode::kNone) {
    if (!a->allow_plaintext) {
      return r.ValueError("tls",
                          "\"none\" sends your password and mail unencrypted; "
                          "set allow_plaintext = true to confirm that is intended");
    }
    r.Warn("tls", "TLS is off: password and mail cross the network in clear text");
  }
  MH_RETURN_IF_ERROR(r.ReadPath("tls_ca_file", &a->tls_ca_file));
  std::string fingerprint;
  MH_RETURN_IF_ERROR(r.ReadString("tls_fingerprint", &fingerprint));
  if (!fingerprint.empty() && !NormalizeFingerprint(fingerprint, &a->tls_fingerprint)) {
    return r.ValueError("tls_fingerprint",
                        "expected \"sha256:\" followed by 32 hex bytes (colons optional), "
                        "as printed by `openssl x509 -noout -fingerprint -sha256`");
  }
  MH_RETURN_IF_ERROR(r.ReadBool("tls_verify", &a->tls_verify));
  if (!a->tls_verify && a->tls != TlsMode::kNone && a->tls_fingerprint.empty()) {
    r.Warn("tls_verify",
           "server certificates are NOT verified: anyone on the network path can "
           "impersonate the server (pin it with tls_fingerprint instead)");
  }
  return Status::Ok();
}

Status ReadAuth(const TableReader& r, const ProviderPreset* preset, const AccountSeed* seed,
                AccountConfig* a) {
  a->auth = preset ? preset->auth
            : seed ? AuthMethod::kXoauth2
                   : (a->protocol == Protocol::kImap ? AuthMethod::kPlain : AuthMethod::kUser);
  MH_RETURN_IF_ERROR(r.ReadEnum<AuthMethod>("auth", kAuthMethodNames, &a->auth));
  if (seed && !IsOAuth(a->auth)) {
    return r.ValueError("auth",
                        "a tenant's mailboxes sign in with the app's token: use xoauth2 or "
                        "oauthbearer");
  }
  if (a->protocol == Protocol::kImap &&
      (a->auth == AuthMethod::kUser || a->auth == AuthMethod::kApop)) {
    constexpr std::string_view kImapAuths[] = {"plain", "login", "xoauth2", "oauthbearer"};
    return r.ValueError("auth",
                        "imap " + TableReader::ExpectedOneOf(kImapAuths, ToString(a->auth)));
  }
  MH_RETURN_IF_ERROR(ReadSecretSource(r, "password", &a->password));
  if (IsPasswordAuth(a->auth) && !a->password.present()) {
    return r.TableError(std::string("auth = ") + ToString(a->auth) +
                        " needs a password source: set one of password_cmd, password_file, "
                        "password_env");
  }
  if (IsOAuth(a->auth) && a->password.present()) {
    const std::string key = a->password.key.substr(a->password.key.rfind('.') + 1);
    return r.KeyError(key, std::string("not used with auth = ") + ToString(a->auth) +
                               " (tokens come from the [" + r.KeyPath("oauth") + "] table)");
  }
  return Status::Ok();
}

Status ReadPolicy(const TableReader& r, AccountConfig* a) {
  const bool pop3 = a->protocol == Protocol::kPop3;
  a->policy = pop3 ? Policy::kKeep : Policy::kArchive;
  MH_RETURN_IF_ERROR(r.ReadEnum<Policy>("policy", kPolicyNames, &a->policy));
  const bool imap_policy = a->policy == Policy::kArchive || a->policy == Policy::kMirror;
  if (pop3 == imap_policy) {
    constexpr std::string_view kImap[] = {"archive", "mirror"};
    constexpr std::string_view kPop3[] = {"keep", "drain"};
    return r.ValueError("policy",
                        std::string(ToString(a->protocol)) + " " +
                            TableReader::ExpectedOneOf(pop3 ? std::span(kPop3) : std::span(kImap),
                                                       ToString(a->policy)));
  }
  if (r.Has("delete_after_days") && a->policy != Policy::kKeep) {
    return r.KeyError("delete_after_days",
                      "only applies to protocol = \"pop3\" with policy = "
                      "\"keep\" (drain deletes as soon as mail is safe)");
  }
  int64_t days = 0;
  MH_RETURN_IF_ERROR(r.ReadInt("delete_after_days", 1, 36500, &days));
  if (days > 0) a->delete_after_days = static_cast<int>(days);
  return Status::Ok();
}

Status ReadConnections(const TableReader& r, const ProviderPreset* preset, AccountConfig* a) {
  if (a->protocol == Protocol::kPop3) {
    // A POP3 maildrop is locked by its one session (RFC 1939, section 8).
    a->connections = 1;
    int64_t n = 1;
    MH_RETURN_IF_ERROR(r.ReadInt("connections", 1, 16, &n));
    if (n != 1) return r.ValueError("connections", "pop3 allows one session per mailbox; use 1");
    return Status::Ok();
  }
  int64_t n = preset ? preset->default_connections : 4;
  MH_RETURN_IF_ERROR(r.ReadInt("connections", 1, 16, &n));
  if (preset && n > preset->max_connections) {
    r.Warn("connections", "capped at " + std::to_string(preset->max_connections) +
                              " for provider " + ToString(preset->provider) +
                              ": more concurrent connections get throttled by the server");
    n = preset->max_connections;
  }
  a->connections = static_cast<int>(n);
  return Status::Ok();
}

// A `rename` table of folder name → new name; two folders may not get one
// name.
Status ReadRenames(const TableReader& r, const ParseContext& ctx,
                   std::map<std::string, std::string>* out) {
  const toml::table* rename = nullptr;
  MH_RETURN_IF_ERROR(r.ReadTable("rename", &rename));
  if (rename == nullptr) return Status::Ok();
  TableReader rr(*rename, r.KeyPath("rename"), ctx);
  std::set<std::string> targets;
  for (auto&& [remote, value] : *rename) {
    std::string local;
    MH_RETURN_IF_ERROR(rr.ReadString(remote.str(), &local));
    if (!targets.insert(local).second) {
      return rr.ValueError(remote.str(), "two folders renamed to \"" + local + "\"");
    }
    (*out)[std::string(remote.str())] = local;
  }
  return Status::Ok();
}

Status ReadFolders(const TableReader& account, const ParseContext& ctx, AccountConfig* a) {
  const toml::table* t = nullptr;
  MH_RETURN_IF_ERROR(account.ReadTable("folders", &t));
  if (t == nullptr) return Status::Ok();
  if (a->protocol == Protocol::kPop3) {
    return account.KeyError("folders", "pop3 has a single mailbox; folder selection is imap only");
  }
  TableReader r(*t, account.KeyPath("folders"), ctx);
  MH_RETURN_IF_ERROR(r.CheckKeys(kFolderKeys));
  MH_RETURN_IF_ERROR(r.ReadStringArray("include", &a->folders.include));
  MH_RETURN_IF_ERROR(r.ReadStringArray("exclude", &a->folders.exclude));
  bool preset_excludes = true;
  MH_RETURN_IF_ERROR(r.ReadBool("preset_excludes", &preset_excludes));
  if (!preset_excludes) a->folders.preset_exclude.clear();
  return ReadRenames(r, ctx, &a->folders.rename);
}

// [accounts.NAME.push]: which archived folders `push` sends, and under
// which names on the target ('/' separates levels there).
Status ReadPush(const TableReader& account, const ParseContext& ctx, AccountConfig* a) {
  const toml::table* t = nullptr;
  MH_RETURN_IF_ERROR(account.ReadTable("push", &t));
  if (t == nullptr) return Status::Ok();
  TableReader r(*t, account.KeyPath("push"), ctx);
  MH_RETURN_IF_ERROR(r.CheckKeys(kPushKeys));
  MH_RETURN_IF_ERROR(r.ReadStringArray("include", &a->push.include));
  MH_RETURN_IF_ERROR(r.ReadStringArray("exclude", &a->push.exclude));
  return ReadRenames(r, ctx, &a->push.rename);
}

Status ReadOAuth(const TableReader& account, const ProviderPreset* preset, const ParseContext& ctx,
                 AccountConfig* a) {
  const toml::table* t = nullptr;
  MH_RETURN_IF_ERROR(account.ReadTable("oauth", &t));
  if (!IsOAuth(a->auth)) {
    if (t != nullptr) {
      return account.KeyError("oauth", std::string("only used with auth = xoauth2 or "
                                                   "oauthbearer, but auth = ") +
                                           ToString(a->auth));
    }
    return Status::Ok();
  }
  if (t == nullptr) {
    return account.TableError(std::string("auth = ") + ToString(a->auth) + " needs an [" +
                              account.KeyPath("oauth") + "] table with at least client_id");
  }
  TableReader r(*t, account.KeyPath("oauth"), ctx);
  MH_RETURN_IF_ERROR(r.CheckKeys(kOAuthKeys));
  OAuthConfig o;
  MH_RETURN_IF_ERROR(r.ReadEnum<OAuthFlow>("flow", kOAuthFlowNames, &o.flow));
  MH_RETURN_IF_ERROR(r.ReadString("client_id", &o.client_id));
  if (o.client_id.empty()) {
    return r.TableError(
        "client_id is required: the application (client) ID of your OAuth app "
        "registration");
  }
  const bool tenants = preset && !preset->default_tenant.empty();
  if (r.Has("tenant") && !tenants) {
    return r.KeyError("tenant", "only applies to provider = \"microsoft365\"");
  }
  if (tenants) o.tenant = preset->default_tenant;
  MH_RETURN_IF_ERROR(r.ReadString("tenant", &o.tenant));
  if (o.flow == OAuthFlow::kClientCredentials) {
    if (preset && !preset->supports_client_credentials) {
      return r.ValueError("flow", std::string("provider ") + ToString(preset->provider) +
                                      " has no client_credentials grant for mail");
    }
    // App-only tokens are issued by one directory; the multi-tenant aliases
    // are rejected by Microsoft for this grant.
    if (tenants &&
        (o.tenant == "organizations" || o.tenant == "common" || o.tenant == "consumers")) {
      return r.TableError(
          "flow = \"client_credentials\" needs tenant = your directory (tenant) "
          "ID or domain, not \"" +
          o.tenant + "\"");
    }
  }
  // Google's device and installed-app flows also require a client secret, so
  // it is optional for every flow and required for client_credentials.
  MH_RETURN_IF_ERROR(ReadSecretSource(r, "client_secret", &o.client_secret));
  if (o.flow == OAuthFlow::kClientCredentials && !o.client_secret.present()) {
    return r.TableError(
        "flow = \"client_credentials\" needs one of client_secret_cmd, "
        "client_secret_file, client_secret_env");
  }
  if (preset) {
    if (auto p = FindOAuthPreset(preset->provider, a->protocol, o.flow, o.tenant)) {
      o.token_url = p->token_url;
      o.device_url = p->device_url;
      o.authorize_url = p->authorize_url;
      o.scopes = p->scopes;
    }
  }
  MH_RETURN_IF_ERROR(r.ReadUrl("token_url", &o.token_url));
  MH_RETURN_IF_ERROR(r.ReadUrl("device_url", &o.device_url));
  MH_RETURN_IF_ERROR(r.ReadUrl("authorize_url", &o.authorize_url));
  MH_RETURN_IF_ERROR(r.ReadStringArray("scopes", &o.scopes));
  MH_RETURN_IF_ERROR(r.ReadPath("ca_file", &o.ca_file));
  MH_RETURN_IF_ERROR(
      ReadTokenFile(r, ctx, a->name + ".token.json", "the account's tokens", &o.token_file));
  if (o.token_url.empty()) return r.TableError("token_url is required without a provider preset");
  if (o.flow == OAuthFlow::kDevice && o.device_url.empty()) {
    return r.TableError("device_url is required for flow = \"device\" without a provider preset");
  }
  if (o.flow == OAuthFlow::kAuthCode && o.authorize_url.empty()) {
    return r.TableError(
        "authorize_url is required for flow = \"auth_code\" without a provider preset");
  }
  if (o.scopes.empty()) return r.TableError("scopes is required without a provider preset");
  a->oauth = std::move(o);
  return Status::Ok();
}

}  // namespace

// The body of ParseAccount() and ParseSeededAccount(), keys not checked.
static Result<AccountConfig> ParseAccountKeys(const std::string& name, const TableReader& r,
                                              const std::string& archive_root,
                                              const ParseContext& ctx, const AccountSeed* seed);

Status ReadTokenFile(const TableReader& r, const ParseContext& ctx, const std::string& default_name,
                     std::string_view what, std::string* out) {
  MH_RETURN_IF_ERROR(r.ReadPath("token_file", out));
  if (!out->empty()) return Status::Ok();
  auto dir = StateDir(ctx.env);
  if (!dir.ok()) {
    return r.TableError("token_file is needed: " + dir.status().message() +
                        ", so there is no default place for " + std::string(what));
  }
  *out = *dir + "/" + default_name;
  return Status::Ok();
}

Status CheckDirectoryName(const TableReader& parent, const std::string& name,
                          std::string_view what) {
  if (IsValidAccountName(name)) return Status::Ok();
  return parent.KeyError(name, std::string(what) +
                                   " names become directory names: use letters, digits, "
                                   "'.', '_' and '-' (at most 64, not starting with '.')");
}

bool IsValidAccountName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name[0] == '.') return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

Status ReadSecretSource(const TableReader& r, std::string_view prefix, SecretSource* out) {
  const std::pair<std::string, SecretSource::Kind> kinds[] = {
      {std::string(prefix) + "_cmd", SecretSource::Kind::kCommand},
      {std::string(prefix) + "_file", SecretSource::Kind::kFile},
      {std::string(prefix) + "_env", SecretSource::Kind::kEnv},
  };
  std::string first_key;
  for (const auto& [key, kind] : kinds) {
    if (!r.Has(key)) continue;
    if (!first_key.empty()) {
      // Point at whichever of the two comes later in the file.
      const bool later = r.KeyBefore(first_key, key);
      return r.KeyError(later ? key : first_key, "conflicts with " + (later ? first_key : key) +
                                                     ": give exactly one of " + kinds[0].first +
                                                     ", " + kinds[1].first + ", " + kinds[2].first);
    }
    first_key = key;
    out->kind = kind;
    out->key = r.KeyPath(key);
    if (kind == SecretSource::Kind::kFile) {
      MH_RETURN_IF_ERROR(r.ReadPath(key, &out->value));
    } else {
      MH_RETURN_IF_ERROR(r.ReadString(key, &out->value));
    }
    if (kind == SecretSource::Kind::kEnv && !IsEnvName(out->value)) {
      // `password_env = "$PW"` would look up a variable literally named "$PW".
      // Anything else may be the secret itself pasted in: not echoed.
      const bool dollar_name = out->value.size() > 1 && out->value[0] == '$' &&
                               IsEnvName(std::string_view(out->value).substr(1));
      return r.ValueError(
          key,
          "expected the name of an environment variable (letters, digits, "
          "'_', without '$'), got " +
              (dollar_name ? "\"" + out->value + "\"" : std::string("something else (not shown)")));
    }
  }
  return Status::Ok();
}

Result<AccountConfig> ParseAccount(const std::string& name, const TableReader& r,
                                   const std::string& archive_root, const ParseContext& ctx) {
  MH_RETURN_IF_ERROR(r.CheckKeys(kAccountKeys));
  return ParseAccountKeys(name, r, archive_root, ctx, nullptr);
}

Result<AccountConfig> ParseSeededAccount(const std::string& name, const TableReader& r,
                                         const std::string& archive_root, const ParseContext& ctx,
                                         const AccountSeed& seed) {
  return ParseAccountKeys(name, r, archive_root, ctx, &seed);
}

std::span<const std::string_view> OverrideKeys() { return kOverrideKeys; }

Status ApplyAccountOverrides(const TableReader& r, const ParseContext& ctx, AccountConfig* a) {
  MH_RETURN_IF_ERROR(r.CheckKeys(kOverrideKeys));
  const ProviderPreset* preset = FindPreset(a->provider);
  MH_RETURN_IF_ERROR(r.ReadString("host", &a->host));
  int64_t port = a->port;
  MH_RETURN_IF_ERROR(r.ReadInt("port", 1, 65535, &port));
  a->port = static_cast<uint16_t>(port);
  // These readers set their defaults first, so they only run for keys given.
  if (r.Has("policy") || r.Has("delete_after_days")) MH_RETURN_IF_ERROR(ReadPolicy(r, a));
  if (r.Has("connections")) MH_RETURN_IF_ERROR(ReadConnections(r, preset, a));
  MH_RETURN_IF_ERROR(r.ReadEnum<Layout>("layout", kLayoutNames, &a->layout));
  MH_RETURN_IF_ERROR(r.ReadEnum<Durability>("durability", kDurabilityNames, &a->durability));
  MH_RETURN_IF_ERROR(r.ReadEnum<LineEndings>("line_endings", kLineEndingNames, &a->line_endings));
  MH_RETURN_IF_ERROR(r.ReadBool("dedupe", &a->dedupe));
  MH_RETURN_IF_ERROR(r.ReadEnum<Compress>("compress", kCompressNames, &a->compress));
  return ReadFolders(r, ctx, a);
}

static Result<AccountConfig> ParseAccountKeys(const std::string& name, const TableReader& r,
                                              const std::string& archive_root,
                                              const ParseContext& ctx, const AccountSeed* seed) {
  AccountConfig a;
  a.name = name;
  a.archive_dir = archive_root + "/" + name;
  MH_RETURN_IF_ERROR(r.ReadEnum<Provider>("provider", kProviderNames, &a.provider));
  const ProviderPreset* preset = FindPreset(a.provider);
  MH_RETURN_IF_ERROR(r.ReadEnum<Protocol>("protocol", kProtocolNames, &a.protocol));

  if (preset) a.host = (a.protocol == Protocol::kImap ? preset->imap : preset->pop3).host;
  MH_RETURN_IF_ERROR(r.ReadString("host", &a.host));
  if (a.host.empty()) {
    return r.TableError(
        "host is required (or a provider preset: provider = \"microsoft365\" or "
        "\"gmail\")");
  }
  MH_RETURN_IF_ERROR(ReadTls(r, preset, &a));
  int64_t port = DefaultPort(a.protocol, a.tls);
  MH_RETURN_IF_ERROR(r.ReadInt("port", 1, 65535, &port));
  a.port = static_cast<uint16_t>(port);

  if (seed) {
    a.user = seed->user;
  } else {
    MH_RETURN_IF_ERROR(r.ReadString("user", &a.user));
    if (a.user.empty()) return r.TableError("user is required: the login name on the server");
  }
  MH_RETURN_IF_ERROR(ReadAuth(r, preset, seed, &a));
  if (seed) {
    a.oauth = seed->oauth;
  } else {
    MH_RETURN_IF_ERROR(ReadOAuth(r, preset, ctx, &a));
  }
  MH_RETURN_IF_ERROR(ReadPolicy(r, &a));
  MH_RETURN_IF_ERROR(ReadConnections(r, preset, &a));
  MH_RETURN_IF_ERROR(r.ReadEnum<Layout>("layout", kLayoutNames, &a.layout));
  MH_RETURN_IF_ERROR(r.ReadEnum<Durability>("durability", kDurabilityNames, &a.durability));
  MH_RETURN_IF_ERROR(r.ReadEnum<LineEndings>("line_endings", kLineEndingNames, &a.line_endings));
  MH_RETURN_IF_ERROR(r.ReadBool("dedupe", &a.dedupe));
  MH_RETURN_IF_ERROR(r.ReadEnum<Compress>("compress", kCompressNames, &a.compress));
  int64_t timeout = a.timeout.count();
  MH_RETURN_IF_ERROR(r.ReadInt("timeout", 1, 3600, &timeout));
  a.timeout = std::chrono::seconds(timeout);
  if (a.compress != Compress::kAuto && a.protocol == Protocol::kPop3) {
    return r.ValueError("compress", "only applies to imap (pop3 has no compression)");
  }
  if (a.dedupe && a.protocol == Protocol::kPop3) {
    return r.ValueError("dedupe", "only applies to imap (pop3 has a single mailbox)");
  }
  if (a.durability == Durability::kNone) {
    r.Warn("durability",
           "no fsync: a crash or power loss can lose recently archived mail "
           "(and with policy drain/mirror the server copy is gone too)");
  }
  if (preset && a.protocol == Protocol::kImap) a.folders.preset_exclude = preset->non_mail_folders;
  MH_RETURN_IF_ERROR(ReadFolders(r, ctx, &a));
  MH_RETURN_IF_ERROR(ReadPush(r, ctx, &a));
  return a;
}

}  // namespace mailhoard::cli
