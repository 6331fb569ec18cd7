// `mailhoard export`: archived folders as mboxrd files. The pieces live in
// cli/export/ (which messages, where they go, how a file is checked) and
// storage/mbox/ (the entry format); this file wires them to the options
// and prints what happened.
#include <nlohmann/json.hpp>

#include "cli/commands/account_session.h"
#include "cli/commands/engine_handlers.h"
#include "cli/commands/stop_signal.h"
#include "cli/export/export_run.h"
#include "cli/export/folder_file_names.h"
#include "cli/export/mbox_output.h"
#include "core/clock.h"
#include "storage/index/index.h"

namespace mailhoard::cli {
namespace {

struct ExportedFile {
  std::string folder, file;
  uint64_t messages = 0;
};

// A refusal of the output (the path exists, or is of the wrong kind) is
// EX_CANTCREAT; whatever the file system refused is a local I/O error.
int OutputFailure(CommandContext& ctx, const std::string& account, const Status& s) {
  ctx.PrintError(account + ": export failed: " + s.message());
  return s.code() == ErrorCode::kInvalidArgument ? kExitCantCreate : kExitLocalIo;
}

std::string CountOf(uint64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// Everything into one sink (a file, or stdout): several folders are told
// apart by X-Folder.
Status ExportToOneSink(index::Index& index, const AccountConfig& account,
                       const std::vector<ExportFolder>& folders, const ExportWindow& window,
                       bool x_folder, const StopFn& stop, const mbox::Sink& sink,
                       ExportTally* tally) {
  for (const auto& f : folders) {
    FolderExport job{&f, account.archive_dir, window, x_folder, stop};
    MH_RETURN_IF_ERROR(
        ExportFolderMessages(index, *maildir::DefaultFileSystem(), job, sink, tally));
  }
  return Status::Ok();
}

Status ExportToDirectory(index::Index& index, const AccountConfig& account,
                         const std::vector<ExportFolder>& folders, const ExportWindow& window,
                         const StopFn& stop, MboxDirectory& dir, ExportTally* tally,
                         std::vector<ExportedFile>* files) {
  std::vector<index::FolderRecord> records;
  for (const auto& f : folders) records.push_back(f.record);
  MH_ASSIGN_OR_RETURN(std::vector<std::string> names, MboxFileNames(records));
  for (size_t i = 0; i < folders.size(); ++i) {
    MH_ASSIGN_OR_RETURN(std::unique_ptr<MboxFile> file, dir.NewFile(names[i]));
    mbox::Sink sink = [&](std::string_view data) { return file->Write(data); };
    const uint64_t before = tally->messages;
    FolderExport job{&folders[i], account.archive_dir, window, false, stop};
    Status s = ExportFolderMessages(index, *maildir::DefaultFileSystem(), job, sink, tally);
    MH_RETURN_IF_ERROR(file->write_status());  // why a write failed, if one did
    MH_RETURN_IF_ERROR(s);
    MH_RETURN_IF_ERROR(file->Commit());
    files->push_back({folders[i].record.display_name, names[i], tally->messages - before});
  }
  return dir.Commit();
}

void PrintLeftOut(CommandContext& ctx, const std::string& account, const LeftOut& l) {
  if (l.problem == "unfetchable") {
    ctx.PrintError(account + ": not exported, no file in the archive: " + l.folder + " " +
                   l.detail);
  } else if (l.problem == "missing") {
    ctx.PrintError(account + ": not exported, file missing: " + l.path);
  } else {
    ctx.PrintError(account + ": not exported, " + l.problem + ": " + l.path + " (" + l.detail +
                   "; `mailhoard verify` checks the whole archive)");
  }
}

// Writes the export where the options say. A kInvalidArgument status is a
// refusal of the output (73); see OutputFailure.
Status WriteExport(CommandContext& ctx, const ExportOptions& options, index::Index& index,
                   const AccountConfig& account, const std::vector<ExportFolder>& folders,
                   const ExportWindow& window, ExportTally* tally,
                   std::vector<ExportedFile>* files) {
  const bool x_folder = options.folder.empty();
  if (options.mbox_file == "-") {
    // No stop handlers: `export --mbox - | head` ends by SIGPIPE, quietly.
    mbox::Sink sink = [&](std::string_view data) {
      ctx.out.write(data.data(), static_cast<std::streamsize>(data.size()));
      return static_cast<bool>(ctx.out);
    };
    Status s = ExportToOneSink(index, account, folders, window, x_folder, nullptr, sink, tally);
    ctx.out.flush();
    return ctx.out ? s : IoError("cannot write to stdout");
  }
  InstallStopHandlers();
  if (!options.mbox_file.empty()) {
    MH_ASSIGN_OR_RETURN(std::unique_ptr<MboxFile> file,
                        MboxFile::Create(options.mbox_file, options.force));
    mbox::Sink sink = [&](std::string_view data) { return file->Write(data); };
    Status s =
        ExportToOneSink(index, account, folders, window, x_folder, StopRequested, sink, tally);
    MH_RETURN_IF_ERROR(file->write_status());  // why a write failed, if one did
    MH_RETURN_IF_ERROR(s);
    return file->Commit();
  }
  MH_ASSIGN_OR_RETURN(std::unique_ptr<MboxDirectory> dir,
                      MboxDirectory::Create(options.mbox_dir, options.force));
  return ExportToDirectory(index, account, folders, window, StopRequested, *dir, tally, files);
}

void PrintJson(CommandContext& ctx, const ExportOptions& options, const std::string& account,
               size_t folders, const ExportTally& tally, const std::vector<ExportedFile>& files) {
  nlohmann::json missing = nlohmann::json::array(), left_out = nlohmann::json::array();
  uint64_t unfetchable = 0;
  for (const auto& l : tally.left_out) {
    if (l.problem == "missing") missing.push_back(l.path);
    if (l.problem == "unfetchable") ++unfetchable;
    left_out.push_back(
        {{"folder", l.folder}, {"path", l.path}, {"problem", l.problem}, {"detail", l.detail}});
  }
  nlohmann::json j = {
      {"name", account},     {"messages", tally.messages},         {"bytes", tally.bytes},
      {"folders", folders},  {"unfetchable_skipped", unfetchable}, {"missing_files", missing},
      {"left_out", left_out}};
  if (options.mbox_dir.empty()) {
    j["mbox"] = options.mbox_file;
  } else {
    j["mbox_dir"] = options.mbox_dir;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& f : files) {
      list.push_back({{"folder", f.folder}, {"file", f.file}, {"messages", f.messages}});
    }
    j["files"] = list;
  }
  ctx.out << j.dump(2) << "\n";
}

void PrintSummary(CommandContext& ctx, const ExportOptions& options, const std::string& account,
                  size_t folders, const ExportTally& tally) {
  const bool to_stdout = options.mbox_file == "-";
  std::ostream& where = to_stdout ? ctx.err : ctx.out;
  where << (to_stdout ? "mailhoard: " : "") << account << ": exported "
        << CountOf(tally.messages, "message") << " from " << CountOf(folders, "folder");
  if (!options.mbox_dir.empty()) {
    where << " to " << options.mbox_dir << " (one mbox per folder)";
  } else if (!to_stdout) {
    where << " to " << options.mbox_file;
  }
  where << "\n";
}

}  // namespace

int RunExport(CommandContext& ctx, const ExportOptions& options) {
  if (options.mbox_file.empty() == options.mbox_dir.empty()) {
    ctx.PrintError("export: give either --mbox FILE (one file) or --mbox-dir DIR (one per folder)");
    return kExitUsage;
  }
  CommandAccounts loaded = LoadAccount(ctx, options.account);
  if (!loaded.ok()) return loaded.exit_code;
  const AccountConfig& account = loaded.account();
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(RealClock().WallNow().time_since_epoch())
          .count();
  Result<ExportWindow> window = ParseExportWindow(options.since, options.until, options.as_of, now);
  if (!window.ok()) {
    ctx.PrintError("export: " + window.status().message());
    return kExitUsage;
  }
  auto idx = OpenIndexReadOnly(account);
  if (!idx.ok()) {
    ctx.PrintError(account.name + ": nothing archived yet (" + idx.status().ToString() + ")");
    return kExitUsage;
  }
  auto folders = CollectExportFolders(**idx, options.folder, *window);
  if (!folders.ok()) {
    if (folders.status().code() == ErrorCode::kNotFound) {
      ctx.PrintError(account.name + ": " + folders.status().message());
      return kExitUsage;
    }
    return ctx.ReportAccountFailure(folders.status().WithContext(account.name));
  }

  ExportTally tally;
  std::vector<ExportedFile> files;
  Status s = WriteExport(ctx, options, **idx, account, *folders, *window, &tally, &files);
  if (s.code() == ErrorCode::kCancelled) {
    ctx.PrintError(account.name + ": export interrupted; no partly written file is left");
    return kExitTempFail;
  }
  if (!s.ok()) return OutputFailure(ctx, account.name, s);
  if (ctx.json && options.mbox_file != "-") {
    PrintJson(ctx, options, account.name, folders->size(), tally, files);
  } else if (!ctx.quiet) {
    PrintSummary(ctx, options, account.name, folders->size(), tally);
  }
  for (const auto& l : tally.left_out) PrintLeftOut(ctx, account.name, l);
  return tally.left_out.empty() ? kExitOk : kExitPartial;
}

}  // namespace mailhoard::cli
