// Parsing and validation of one [accounts.NAME] table (internal to config.cc).
#pragma once

#include <string>
#include <string_view>

#include "cli/config_types.h"
#include "cli/toml_reader.h"
#include "engine/core/status.h"

namespace mailhoard::cli {

// Account names become directory and lock-file names, so they are limited to
// [A-Za-z0-9._-], must not start with '.', and are at most 64 bytes.
bool IsValidAccountName(std::string_view name);

Result<AccountConfig> ParseAccount(const std::string& name, const TableReader& account,
                                   const std::string& archive_root, const ParseContext& ctx);

// Reads the optional password_cmd / password_file / password_env trio (or
// client_secret_* with prefix "client_secret"): at most one may be given.
Status ReadSecretSource(const TableReader& table, std::string_view prefix, SecretSource* out);

}  // namespace mailhoard::cli
