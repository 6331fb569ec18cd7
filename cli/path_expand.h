// ~ and $VAR expansion for paths in config.toml, so one config file can be
// shared between machines and users.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mailhoard::cli {

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (getenv).
EnvLookup ProcessEnv();

// Expands a leading "~" or "~/" to $HOME, and $NAME / ${NAME} anywhere
// (NAME = [A-Za-z_][A-Za-z0-9_]*). "$$" is a literal '$'. An unset or empty
// variable is an error rather than silently becoming "" — an archive path
// that collapses to "/hoard" would be a nasty surprise under cron, whose
// environment is much smaller than a login shell's. "~user" is not supported.
Result<std::string> ExpandPath(std::string_view path, const EnvLookup& env);

}  // namespace mailhoard::cli
