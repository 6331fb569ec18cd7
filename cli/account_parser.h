// Parsing and validation of one [accounts.NAME] table (internal to config.cc).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "cli/config_types.h"
#include "cli/toml_reader.h"
#include "core/status.h"

namespace mailhoard::cli {

// Account names become directory and lock-file names, so they are limited to
// [A-Za-z0-9._-], must not start with '.', and are at most 64 bytes.
bool IsValidAccountName(std::string_view name);

// Checks a table name that becomes a directory name (IsValidAccountName);
// `what` is "account" or "tenant".
Status CheckDirectoryName(const TableReader& parent, const std::string& name,
                          std::string_view what);

// token_file of `r`, by default StateDir()/<default_name> (the per-user
// state directory, never the archive, whose backups would carry the token).
Status ReadTokenFile(const TableReader& r, const ParseContext& ctx, const std::string& default_name,
                     std::string_view what, std::string* out);

Result<AccountConfig> ParseAccount(const std::string& name, const TableReader& account,
                                   const std::string& archive_root, const ParseContext& ctx);

// What a [tenants.NAME] table gives its mailboxes instead of the `user` key
// and the [oauth] table of an account (tenant_config.h).
struct AccountSeed {
  std::string user;
  OAuthConfig oauth;
};
// ParseAccount() for a table whose keys the caller has checked: `user` and
// [oauth] come from `seed`, auth defaults to xoauth2 and must be a bearer
// mechanism.
Result<AccountConfig> ParseSeededAccount(const std::string& name, const TableReader& account,
                                         const std::string& archive_root, const ParseContext& ctx,
                                         const AccountSeed& seed);

// The keys one mailbox of a tenant may set for itself, applied over `a` by
// ApplyAccountOverrides(); each is read exactly as in an account.
std::span<const std::string_view> OverrideKeys();
Status ApplyAccountOverrides(const TableReader& overrides, const ParseContext& ctx,
                             AccountConfig* a);

// Reads the optional password_cmd / password_file / password_env trio (or
// client_secret_* with prefix "client_secret"): at most one may be given.
Status ReadSecretSource(const TableReader& table, std::string_view prefix, SecretSource* out);

}  // namespace mailhoard::cli
