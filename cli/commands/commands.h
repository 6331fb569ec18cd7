// Registration of every `mailhoard` subcommand, one function per command
// (each defined in its own <name>_command.cc).
#pragma once

#include "cli/commands/command_context.h"

namespace CLI {
class App;
}

namespace mailhoard::cli {

void AddSyncCommand(CLI::App& app, CommandContext& ctx);
void AddStatusCommand(CLI::App& app, CommandContext& ctx);
void AddFoldersCommand(CLI::App& app, CommandContext& ctx);
void AddLoginCommand(CLI::App& app, CommandContext& ctx);
void AddSearchCommand(CLI::App& app, CommandContext& ctx);
void AddVerifyCommand(CLI::App& app, CommandContext& ctx);
void AddExportCommand(CLI::App& app, CommandContext& ctx);
void AddConfigCommand(CLI::App& app, CommandContext& ctx);
void AddReportCommand(CLI::App& app, CommandContext& ctx);
void AddCheckCommand(CLI::App& app, CommandContext& ctx);
void AddPushCommand(CLI::App& app, CommandContext& ctx);
// Hidden: help-man and help-completion SHELL (build steps).
void AddHelpFormatCommands(CLI::App& app, CommandContext& ctx);

}  // namespace mailhoard::cli
