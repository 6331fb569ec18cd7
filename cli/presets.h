// Provider presets: the values a `provider = "..."` line fills in. Every value
// here is only a default; an explicit key in the account overrides it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/config_types.h"

namespace mailhoard::cli {

struct ServerPreset {
  std::string host;
  uint16_t port;
  TlsMode tls;
};

struct ProviderPreset {
  Provider provider;
  ServerPreset imap;
  ServerPreset pop3;
  AuthMethod auth;
  int default_connections;
  int max_connections;  // the account's `connections` is capped to this
  bool supports_client_credentials;
  std::string default_tenant;  // empty: the provider has no tenants
  // Folders that hold no mail, as folder patterns: excluded by default.
  std::vector<std::string> non_mail_folders;
};

// nullptr for Provider::kNone.
const ProviderPreset* FindPreset(Provider provider);

// The preset's OAuth endpoints and scopes for this protocol and flow, with
// `tenant` substituted where the provider has tenants.
struct OAuthPreset {
  std::string token_url;
  std::string device_url;
  std::string authorize_url;
  std::vector<std::string> scopes;
};
std::optional<OAuthPreset> FindOAuthPreset(Provider provider, Protocol protocol, OAuthFlow flow,
                                           const std::string& tenant);

}  // namespace mailhoard::cli
