#include "cli/tenant_config.h"

#include <unordered_map>

#include "cli/account_parser.h"
#include "cli/credentials.h"
#include "cli/mailbox_list.h"
#include "cli/presets.h"

namespace mailhoard::cli {
namespace {

// The account keys that make sense for every mailbox at once (not `user`,
// the password sources, or [oauth]: the app registration replaces them),
// then the tenant's own.
constexpr std::string_view kTenantKeys[] = {
    "provider", "protocol", "host", "port", "tls", "allow_plaintext", "tls_ca_file",
    "tls_fingerprint", "tls_verify", "auth", "policy", "delete_after_days", "connections", "layout",
    "durability", "line_endings", "dedupe", "folders", "compress",
    // the app registration
    "client_id", "tenant_id", "client_secret_cmd", "client_secret_file", "client_secret_env",
    "scope", "token_url", "token_ca_file", "token_file",
    // the mailboxes
    "mailboxes_file", "mailboxes_cmd", "mailboxes"};

// A list of tens of thousands of addresses is a few MB at most.
constexpr size_t kMaxMailboxListBytes = 16 << 20;

// The app registration: client credentials against the tenant's directory.
Result<OAuthConfig> ReadAppRegistration(const TableReader& r, const std::string& name,
                                        Provider provider, Protocol protocol,
                                        const ParseContext& ctx) {
  const ProviderPreset* preset = FindPreset(provider);
  OAuthConfig o;
  o.flow = OAuthFlow::kClientCredentials;
  MH_RETURN_IF_ERROR(r.ReadString("client_id", &o.client_id));
  if (o.client_id.empty()) {
    return r.TableError(
        "client_id is required: the application (client) ID of the app registration that "
        "was granted IMAP.AccessAsApp / POP.AccessAsApp");
  }
  if (preset && !preset->supports_client_credentials) {
    return r.ValueError("provider", std::string("provider ") + ToString(provider) +
                                        " has no client_credentials grant for mail, so it "
                                        "cannot be a tenant");
  }
  const bool has_tenants = preset && !preset->default_tenant.empty();
  if (r.Has("tenant_id") && !has_tenants) {
    return r.KeyError("tenant_id", "only applies to provider = \"microsoft365\"");
  }
  MH_RETURN_IF_ERROR(r.ReadString("tenant_id", &o.tenant));
  if (has_tenants && o.tenant.empty()) {
    // App-only tokens are issued by one directory; Microsoft rejects the
    // multi-tenant aliases (organizations, common) for this grant.
    return r.TableError(
        "tenant_id is required: your directory (tenant) ID or its domain, e.g. "
        "\"contoso.onmicrosoft.com\"");
  }
  MH_RETURN_IF_ERROR(ReadSecretSource(r, "client_secret", &o.client_secret));
  if (!o.client_secret.present()) {
    return r.TableError(
        "the app's client secret is required: set one of client_secret_cmd, "
        "client_secret_file, client_secret_env");
  }
  if (auto p = FindOAuthPreset(provider, protocol, o.flow, o.tenant)) {
    o.token_url = p->token_url;
    o.scopes = p->scopes;
  }
  MH_RETURN_IF_ERROR(r.ReadUrl("token_url", &o.token_url));
  if (o.token_url.empty()) return r.TableError("token_url is required without a provider preset");
  std::string scope;
  MH_RETURN_IF_ERROR(r.ReadString("scope", &scope));
  if (!scope.empty()) o.scopes = {scope};
  if (o.scopes.empty()) {
    return r.TableError(
        "scope is required without a provider preset (the resource's \"…/.default\")");
  }
  MH_RETURN_IF_ERROR(r.ReadPath("token_ca_file", &o.ca_file));
  // One file per tenant: the app's token opens every mailbox.
  MH_RETURN_IF_ERROR(
      ReadTokenFile(r, ctx, name + ".tenant-token.json", "the tenant's token", &o.token_file));
  return o;
}

struct MailboxList {
  std::vector<MailboxEntry> entries;
  std::string source;  // "<file>" or "<key> output", for messages
};

Result<MailboxList> ReadMailboxList(const TableReader& r) {
  SecretSource s;
  if (r.Has("mailboxes_file") && r.Has("mailboxes_cmd")) {
    const bool file_first = r.KeyBefore("mailboxes_file", "mailboxes_cmd");
    return r.KeyError(file_first ? "mailboxes_cmd" : "mailboxes_file",
                      "give one of mailboxes_file and mailboxes_cmd, not both");
  }
  MailboxList list;
  if (r.Has("mailboxes_file")) {
    s.kind = SecretSource::Kind::kFile;
    s.key = r.KeyPath("mailboxes_file");
    MH_RETURN_IF_ERROR(r.ReadPath("mailboxes_file", &s.value));
    list.source = s.value;
  } else if (r.Has("mailboxes_cmd")) {
    s.kind = SecretSource::Kind::kCommand;
    s.key = r.KeyPath("mailboxes_cmd");
    MH_RETURN_IF_ERROR(r.ReadString("mailboxes_cmd", &s.value));
    list.source = s.key + " output";
  } else {
    return r.TableError(
        "the mailboxes are required: set mailboxes_file or mailboxes_cmd (one address per "
        "line, '#' comments)");
  }
  // The secret reader's guarantees (timeouts, size bound, no output in
  // messages) suit a list too; its group-readable warning does not.
  std::vector<std::string> ignored;
  SecretOptions options;
  options.max_bytes = kMaxMailboxListBytes;
  MH_ASSIGN_OR_RETURN(std::string text, ResolveSecret(s, &ignored, options));
  MH_ASSIGN_OR_RETURN(list.entries, ParseMailboxList(text, list.source));
  if (list.entries.empty()) return InvalidArgument(list.source + ": no mailboxes listed");
  return list;
}

Status ParseTenant(const std::string& name, const TableReader& r, const ParseContext& ctx,
                   Config* config) {
  MH_RETURN_IF_ERROR(r.CheckKeys(kTenantKeys));
  Provider provider = Provider::kNone;
  Protocol protocol = Protocol::kImap;
  MH_RETURN_IF_ERROR(r.ReadEnum<Provider>("provider", kProviderNames, &provider));
  MH_RETURN_IF_ERROR(r.ReadEnum<Protocol>("protocol", kProtocolNames, &protocol));
  AccountSeed seed;
  MH_ASSIGN_OR_RETURN(seed.oauth, ReadAppRegistration(r, name, provider, protocol, ctx));
  // Parsed once for the whole tenant, so its warnings appear once.
  MH_ASSIGN_OR_RETURN(AccountConfig base,
                      ParseSeededAccount(name, r, config->archive_root, ctx, seed));
  base.tenant = name;
  MH_ASSIGN_OR_RETURN(MailboxList list, ReadMailboxList(r));

  std::unordered_map<std::string, size_t> by_address;  // lower case -> index
  for (const MailboxEntry& e : list.entries) {
    AccountConfig a = base;
    a.address = e.address;
    a.user = e.address;
    a.name = TenantAccountName(name, e.address);
    a.archive_dir = config->archive_root + "/" + name + "/" + MailboxDirName(e.address);
    by_address.emplace(LowerAscii(e.address), config->accounts.size());
    config->accounts.push_back(std::move(a));
  }

  const toml::table* overrides = nullptr;
  MH_RETURN_IF_ERROR(r.ReadTable("mailboxes", &overrides));
  if (overrides == nullptr) return Status::Ok();
  TableReader mr(*overrides, r.KeyPath("mailboxes"), ctx);
  for (const auto& [key, node] : InFileOrder(*overrides)) {
    const std::string address(key->str());
    auto it = by_address.find(LowerAscii(address));
    if (it == by_address.end()) {
      // A misspelt address must not silently lose its settings.
      return mr.KeyError(address, "not in the mailbox list (" + list.source + ")");
    }
    const toml::table* t = nullptr;
    MH_RETURN_IF_ERROR(mr.ReadTable(address, &t));
    MH_RETURN_IF_ERROR(ApplyAccountOverrides(TableReader(*t, mr.KeyPath(address), ctx), ctx,
                                             &config->accounts[it->second]));
  }
  return Status::Ok();
}

}  // namespace

std::string TenantAccountName(const std::string& tenant, const std::string& address) {
  return tenant + "/" + address;
}

Status ParseTenants(const TableReader& root, const ParseContext& ctx, Config* config) {
  const toml::table* tenants = nullptr;
  MH_RETURN_IF_ERROR(root.ReadTable("tenants", &tenants));
  if (tenants == nullptr) return Status::Ok();
  TableReader tr(*tenants, "tenants", ctx);
  for (const auto& [key, node] : InFileOrder(*tenants)) {
    const std::string name(key->str());
    MH_RETURN_IF_ERROR(CheckDirectoryName(tr, name, "tenant"));
    // `sync NAME` and <archive>/NAME must mean one thing.
    if (config->FindAccount(name) != nullptr) {
      return tr.KeyError(name, "is also the name of an [accounts." + name + "] table");
    }
    const toml::table* t = nullptr;
    MH_RETURN_IF_ERROR(tr.ReadTable(name, &t));
    MH_RETURN_IF_ERROR(ParseTenant(name, TableReader(*t, tr.KeyPath(name), ctx), ctx, config));
    config->tenants.push_back(name);
  }
  return Status::Ok();
}

}  // namespace mailhoard::cli
