#include "cli/config_location.h"

namespace mailhoard::cli {

Result<ConfigLocation> LocateConfig(const std::string& cli_path, const EnvLookup& env) {
  if (!cli_path.empty()) return ConfigLocation{cli_path, "given with -c/--config"};
  std::optional<std::string> xdg = env("XDG_CONFIG_HOME");
  // The XDG spec says relative values are invalid and must be ignored.
  if (xdg && !xdg->empty() && (*xdg)[0] == '/') {
    return ConfigLocation{*xdg + "/mailhoard/config.toml", "$XDG_CONFIG_HOME is " + *xdg};
  }
  std::optional<std::string> home = env("HOME");
  if (!home || home->empty()) {
    return InvalidArgument("neither $XDG_CONFIG_HOME nor $HOME is set; pass -c FILE");
  }
  std::string reason = "$XDG_CONFIG_HOME is ";
  if (!xdg || xdg->empty()) {
    reason += "not set";
  } else {
    reason += "relative (\"" + *xdg + "\"), which the XDG spec says to ignore";
  }
  reason += ", so $HOME/.config";
  return ConfigLocation{*home + "/.config/mailhoard/config.toml", reason};
}

Result<std::string> StateDir(const EnvLookup& env) {
  std::optional<std::string> xdg = env("XDG_STATE_HOME");
  if (xdg && !xdg->empty() && (*xdg)[0] == '/') return *xdg + "/mailhoard";
  std::optional<std::string> home = env("HOME");
  if (!home || home->empty() || (*home)[0] != '/') {
    return InvalidArgument("neither $XDG_STATE_HOME nor $HOME is set to an absolute path");
  }
  return *home + "/.local/state/mailhoard";
}

}  // namespace mailhoard::cli
