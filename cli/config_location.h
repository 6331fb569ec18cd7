// Which config file a run uses, and why: -c, then $XDG_CONFIG_HOME, then
// $HOME/.config (XDG Base Directory spec). `mailhoard config path` prints the
// reason; every other command only needs the path.
#pragma once

#include <string>

#include "cli/path_expand.h"
#include "core/status.h"

namespace mailhoard::cli {

struct ConfigLocation {
  std::string path;
  std::string reason;  // one line a user can act on, e.g. "from -c"
};

// `cli_path` is -c FILE (empty when not given).
Result<ConfigLocation> LocateConfig(const std::string& cli_path,
                                    const EnvLookup& env = ProcessEnv());

// Per-user state that must not travel with the archive (OAuth2 tokens):
// $XDG_STATE_HOME/mailhoard if that is absolute, else
// $HOME/.local/state/mailhoard (XDG Base Directory spec).
Result<std::string> StateDir(const EnvLookup& env = ProcessEnv());

}  // namespace mailhoard::cli
