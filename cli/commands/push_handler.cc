// `mailhoard push SOURCE --to TARGET`: the archive of SOURCE into the
// mailbox of TARGET. Holds SOURCE's lock (push records what it sent in
// SOURCE's index); SIGINT/SIGTERM stop after the message in flight, and the
// next push goes on from there.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "cli/account_lock.h"
#include "cli/commands/account_session.h"
#include "cli/commands/engine_handlers.h"
#include "cli/commands/progress_display.h"
#include "cli/commands/stop_signal.h"
#include "cli/commands/trace_file.h"
#include "cli/report/mime_text.h"
#include "engine/push/imap_target.h"
#include "engine/push/push_runner.h"

namespace mailhoard::cli {
namespace {

// The target as the index remembers it: its mailbox, not the config
// entry's name, so renaming the entry does not start the push over.
std::string TargetIdentity(const AccountConfig& target) {
  return target.user + "@" + target.host + ":" + std::to_string(target.port);
}

nlohmann::json FolderJson(const push::PushFolderResult& f) {
  nlohmann::json j = {{"source", f.source},
                      {"target", f.target},
                      {"created", f.created},
                      {"appended", f.appended},
                      {"bytes", f.bytes},
                      {"matched", f.matched},
                      {"flag_updates", f.flag_updates},
                      {"expunged", f.expunged},
                      {"refused_before", f.refused_before},
                      {"attempts", f.attempts}};
  if (!f.note.empty()) j["note"] = f.note;
  if (!f.skipped.empty()) j["skipped"] = f.skipped;
  nlohmann::json refused = nlohmann::json::array();
  for (const auto& r : f.refused) {
    refused.push_back({{"subject", r.subject}, {"size", r.size}, {"reason", r.reason}});
  }
  j["refused"] = refused;
  if (f.verify.ran) {
    j["verify"] = {{"expected", f.verify.expected},
                   {"same", f.verify.same},
                   {"differ", f.verify.differ},
                   {"missing", f.verify.missing},
                   {"unpushed", f.verify.unpushed}};
  }
  if (!f.status.ok()) j["error"] = f.status.ToString();
  return j;
}

void PrintFolders(CommandContext& ctx, const PushOptions& options, const push::PushResult& r) {
  for (const auto& f : r.folders) {
    if (!f.skipped.empty()) {
      if (ctx.verbose) ctx.out << "  " << f.source << ": skipped, " << f.skipped << "\n";
      continue;
    }
    const bool changed = f.appended || f.matched || f.flag_updates || f.expunged || f.created;
    if (!changed && !ctx.verbose && f.refused.empty() && f.status.ok() && !f.verify.ran) continue;
    ctx.out << "  " << f.source << " -> " << f.target;
    if (!f.note.empty()) ctx.out << " (" << f.note << ")";
    ctx.out << ": " << (options.dry_run ? "would append " : "") << f.appended << " ("
            << Megabytes(f.bytes) << ")";
    if (f.created) ctx.out << ", folder created";
    if (options.dry_run && f.created) ctx.out << ", folder to create";
    if (f.matched) ctx.out << ", " << f.matched << " already there";
    if (f.flag_updates) ctx.out << ", " << f.flag_updates << " flag changes";
    if (f.expunged) ctx.out << ", " << f.expunged << " expunged";
    ctx.out << "\n";
    if (f.verify.ran) {
      ctx.out << "    verify: " << f.verify.expected << " expected, " << f.verify.same
              << " identical, " << f.verify.differ << " differ, " << f.verify.missing
              << " missing, " << f.verify.unpushed << " not pushed\n";
    }
  }
}

}  // namespace

int RunPush(CommandContext& ctx, const PushOptions& options) {
  CommandAccounts loaded = LoadAccounts(ctx, {options.source, options.target}, std::nullopt,
                                        {.repeat_config_warnings = true});
  if (!loaded.ok()) return loaded.exit_code;
  const Config& config = loaded.config;
  // A tenant name selects many mailboxes; a push goes from one to one.
  for (const std::string* name : {&options.source, &options.target}) {
    if (config.FindAccount(*name) == nullptr) {
      ctx.PrintError("push: " + *name + " is a tenant; name one of its mailboxes (" + *name +
                     "/ADDRESS)");
      return kExitUsage;
    }
  }
  const AccountConfig& source = *config.FindAccount(options.source);
  const AccountConfig& target = *config.FindAccount(options.target);
  if (options.source == options.target || TargetIdentity(source) == TargetIdentity(target)) {
    ctx.PrintError("push: " + options.target + " is the mailbox " + options.source +
                   " archives; pushing into it would loop");
    return kExitUsage;
  }
  if (target.protocol != Protocol::kImap) {
    ctx.PrintError("push: " + options.target + " is a POP3 account; a target must be IMAP");
    return kExitUsage;
  }
  auto opened = StartServerCommand(ctx);
  if (!opened.ok()) return kExitUsage;
  std::unique_ptr<TraceFile> trace = std::move(opened).value();
  auto fail = [&](const Status& s) { return ctx.ReportAccountFailure(s); };
  auto lock = AccountLock::Acquire(source.archive_dir, source.name);
  if (!lock.ok()) return fail(lock.status().WithContext(source.name));
  std::vector<std::string> warnings;
  auto creds = CredentialsFor(target, &warnings);
  for (const auto& w : warnings) ctx.PrintWarning(options.target + ": " + w);
  if (!creds.ok()) return fail(creds.status().WithContext(options.target));
  auto archive = OpenArchive(source);
  if (!archive.ok()) return fail(archive.status().WithContext(source.name));

  push::PushOptions o;
  o.target = TargetIdentity(target);
  const imap::ClientOptions client = ImapClientOptionsFor(target, trace.get(), ctx);
  const auth::Credentials& credentials = *creds;
  o.connect = [&client, &credentials]() -> Result<std::unique_ptr<push::TargetStore>> {
    MH_ASSIGN_OR_RETURN(auto store, push::ImapTarget::Connect(client, credentials));
    return std::unique_ptr<push::TargetStore>(std::move(store));
  };
  std::vector<std::string> excludes = source.push.exclude;
  for (const auto& e : source.folders.preset_exclude) excludes.push_back(e);
  o.filter =
      sync::FolderFilter(options.folders.empty() ? source.push.include : options.folders, excludes);
  o.mapping.renames = source.push.rename;
  o.mapping.exchange_target = target.provider == Provider::kMicrosoft365;
  o.flag_after_append = target.provider == Provider::kMicrosoft365;
  o.plan.include_expunged = options.include_expunged;
  o.plan.retry_refused = options.retry_refused;
  o.plan.mirror_deletes = options.mirror_deletes;
  o.dry_run = options.dry_run;
  o.verify = options.verify;
  o.cancel = &StopRequestFlag();
  ProgressDisplay progress(ctx, source.name + " -> " + options.target);
  o.on_progress = [&progress](const sync::ProgressEvent& e) { progress.Update(e); };

  auto started = std::chrono::steady_clock::now();
  push::PushResult result = push::PushArchive(**archive, o);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  progress.Done();

  nlohmann::json out = {{"source", source.name},      {"target", options.target},
                        {"dry_run", options.dry_run}, {"appended", result.appended()},
                        {"bytes", result.bytes()},    {"refused", result.refused()},
                        {"seconds", seconds}};
  nlohmann::json folders = nlohmann::json::array();
  for (const auto& f : result.folders) folders.push_back(FolderJson(f));
  out["folders"] = folders;

  ExitCode code = kExitOk;
  if (!result.status.ok()) {
    out["error"] = result.status.ToString();
    code = result.status.code() == ErrorCode::kCancelled
               ? kExitTempFail
               : fail(result.status.WithContext(source.name + " -> " + options.target));
  }
  uint64_t failed = 0;
  for (const auto& f : result.folders) {
    if (f.status.ok() || f.status.code() == ErrorCode::kCancelled) continue;
    // The error that stopped the whole push was printed above already.
    if (f.status.ToString() != result.status.ToString()) {
      ctx.PrintError(options.target + ": " + f.target + ": " + f.status.ToString());
    }
    ++failed;
  }
  for (const auto& f : result.folders) {
    for (const auto& r : f.refused) {
      ctx.PrintError(options.target + ": " + f.target + ": refused \"" + r.subject + "\" (" +
                     std::to_string(r.size) + " bytes): " + r.reason);
    }
    if (f.refused_before) {
      ctx.PrintError(options.target + ": " + f.target + ": " + std::to_string(f.refused_before) +
                     " message(s) refused in an earlier push (`--retry-refused` tries again)");
    }
  }
  if (!ctx.quiet && !ctx.json) {
    PrintFolders(ctx, options, result);
    char t[32];
    snprintf(t, sizeof t, "%.1f", seconds);
    ctx.out << source.name << " -> " << options.target << ": "
            << (options.dry_run ? "would append " : "") << result.appended() << " message"
            << (result.appended() == 1 ? "" : "s") << " (" << Megabytes(result.bytes()) << ")";
    if (failed) ctx.out << ", " << failed << " folder(s) failed";
    if (result.refused()) ctx.out << ", " << result.refused() << " refused";
    if (!result.verify_ok()) ctx.out << ", verify found differences";
    ctx.out << ", " << t << " s\n";
  }
  if (code == kExitOk && (failed || result.refused() || !result.verify_ok())) code = kExitPartial;
  if (code == kExitOk && StopRequested()) code = kExitTempFail;
  out["exit_code"] = code;
  if (ctx.json) ctx.out << out.dump(2) << "\n";
  return code;
}

}  // namespace mailhoard::cli
