// The `mailhoard` command line as plain data, read from the CLI11 app that
// parses it, so the man page and the shell completions are generated from the
// same definitions as --help and cannot drift from them.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace mailhoard::cli {

struct OptionInfo {
  std::vector<std::string> short_names;  // without the dash: "c"
  std::vector<std::string> long_names;   // without the dashes: "config"
  std::string value_label;               // empty for a flag, e.g. "FILE"
  std::string description;
};

struct PositionalInfo {
  std::string name;  // "ACCOUNT"
  std::string description;
  bool required = false;
  bool repeated = false;
};

struct CommandNode {
  std::string name;               // "mailhoard", "sync", "init"
  std::vector<std::string> path;  // {"config", "init"}; empty for the root
  std::string description;
  std::string footer;
  std::vector<OptionInfo> options;
  std::vector<PositionalInfo> positionals;
  std::vector<CommandNode> commands;  // visible subcommands only
};

// Hidden subcommands and options (empty group) are left out.
CommandNode ReadCommandTree(CLI::App& app);

// "mailhoard config init"
std::string CommandLineName(const CommandNode& node);

}  // namespace mailhoard::cli
