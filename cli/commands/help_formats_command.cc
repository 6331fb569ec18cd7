// Hidden commands the build runs to generate mailhoard.1 and the shell
// completions from the app definition itself (cli/CMakeLists.txt).
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/command_tree.h"
#include "cli/commands/commands.h"
#include "cli/completion_script.h"
#include "cli/man_page.h"

#ifndef MAILHOARD_VERSION
#define MAILHOARD_VERSION "unknown"
#endif

namespace mailhoard::cli {

void AddHelpFormatCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* man = app.add_subcommand("help-man", "Print mailhoard(1) in roff");
  man->group("");  // hidden: a build step, not a user command
  man->callback([&app, &ctx] {
    ctx.out << ManPage(ReadCommandTree(app), MAILHOARD_VERSION);
    ctx.exit_code = kExitOk;
  });

  auto shell = std::make_shared<std::string>();
  CLI::App* completion =
      app.add_subcommand("help-completion", "Print the completion script for SHELL");
  completion->group("");
  completion->add_option("SHELL", *shell, "bash, zsh or fish")->required();
  completion->callback([&app, &ctx, shell] {
    std::optional<std::string> script = CompletionScript(ReadCommandTree(app), *shell);
    if (!script) {
      ctx.PrintError("help-completion: unknown shell \"" + *shell +
                     "\"; expected bash, zsh or fish");
      ctx.exit_code = kExitUsage;
      return;
    }
    ctx.out << *script;
    ctx.exit_code = kExitOk;
  });
}

}  // namespace mailhoard::cli
