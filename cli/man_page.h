// mailhoard(1) in roff, from the command tree (`mailhoard help-man`, run at
// build time): the same words as --help, one section per command.
#pragma once

#include <string>

#include "cli/command_tree.h"

namespace mailhoard::cli {

std::string ManPage(const CommandNode& root, const std::string& version);

}  // namespace mailhoard::cli
