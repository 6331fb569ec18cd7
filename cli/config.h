// Loading and validating config.toml. See docs/config.md for every key.
#pragma once

#include <string>
#include <string_view>

#include "cli/config_types.h"
#include "cli/path_expand.h"
#include "core/status.h"

namespace mailhoard::cli {

// $XDG_CONFIG_HOME/mailhoard/config.toml, else ~/.config/mailhoard/config.toml.
Result<std::string> DefaultConfigPath(const EnvLookup& env = ProcessEnv());

// Parses and validates `text`; errors read "<source_name>:line:col: key: ...".
// Never throws, never resolves secrets. `env` serves ~ and $VAR expansion.
Result<Config> ParseConfig(std::string_view text, const std::string& source_name,
                           const EnvLookup& env = ProcessEnv());

// Reads `path` and parses it with `path` as the source name.
Result<Config> LoadConfig(const std::string& path, const EnvLookup& env = ProcessEnv());

}  // namespace mailhoard::cli
