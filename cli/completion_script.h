// Shell completion scripts for bash, zsh and fish, from the command tree
// (`mailhoard help-completion SHELL`, run at build time): commands, options,
// option values (files, fixed choices) and, where a command takes an ACCOUNT,
// the account names of the config (`mailhoard config accounts`, hidden).
#pragma once

#include <optional>
#include <string>

#include "cli/command_tree.h"

namespace mailhoard::cli {

// nullopt for a shell other than "bash", "zsh" or "fish".
std::optional<std::string> CompletionScript(const CommandNode& root, const std::string& shell);

}  // namespace mailhoard::cli
