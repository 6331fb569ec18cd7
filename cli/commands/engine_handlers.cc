// ============================================================================
// NOT YET WIRED TO THE ENGINE.
//
// Every handler below is a placeholder until the sync engine exists. To wire
// one, replace its body (load the config with ctx.LoadConfigOrReport(), take
// the AccountLock for each account, run the engine, map the final Status with
// ExitCodeFor() / ctx.ReportAccountFailure()). The command-line options are
// already parsed into the *Options structs by <name>_command.cc; pick the
// accounts with SelectAccounts() (account_selection.h).
// ============================================================================
#include "cli/commands/engine_handlers.h"

namespace mailhoard::cli {
namespace {

int NotAvailableYet(CommandContext& ctx, const char* command) {
  ctx.PrintError(std::string(command) + " is not available in this build yet");
  return kExitUsage;
}

}  // namespace

int RunFolders(CommandContext& ctx, const FoldersOptions&) {
  return NotAvailableYet(ctx, "folders");
}
int RunLogin(CommandContext& ctx, const LoginOptions&) { return NotAvailableYet(ctx, "login"); }
int RunVerify(CommandContext& ctx, const VerifyOptions&) { return NotAvailableYet(ctx, "verify"); }
int RunExport(CommandContext& ctx, const ExportOptions&) { return NotAvailableYet(ctx, "export"); }

}  // namespace mailhoard::cli
