#include "cli/commands/command_context.h"

#include "cli/config.h"

namespace mailhoard::cli {

Result<Config> CommandContext::LoadConfigOrReport() {
  std::string path = config_path;
  if (path.empty()) {
    Result<std::string> def = DefaultConfigPath();
    if (!def.ok()) {
      PrintError(def.status().message());
      exit_code = kExitUsage;
      return def.status();
    }
    path = *def;
  }
  Result<Config> config = LoadConfig(path);
  if (!config.ok()) {
    PrintError(config.status().message());
    exit_code = kExitUsage;
    return config.status();
  }
  for (const std::string& w : config->warnings) PrintWarning(w);
  return config;
}

void CommandContext::PrintError(std::string_view message) const {
  // Several errors (a config with many mistakes) come a line each; each line
  // gets the prefix, so `grep mailhoard:` in a cron mail finds them all.
  size_t start = 0;
  for (;;) {
    size_t end = message.find('\n', start);
    err << "mailhoard: " << message.substr(start, end - start) << "\n";
    errors.emplace_back(message.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

ExitCode CommandContext::ReportAccountFailure(const Status& status) const {
  const ExitCode code = ExitCodeFor(status);
  if (status.ok() || (quiet && code == kExitLocked)) return code;
  PrintError(status.message());
  return code;
}

void CommandContext::PrintWarning(std::string_view message) const {
  if (!quiet) err << "mailhoard: warning: " << message << "\n";
}

}  // namespace mailhoard::cli
