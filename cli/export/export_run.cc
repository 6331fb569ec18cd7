#include "cli/export/export_run.h"

#include <map>

#include "storage/mbox/entry_headers.h"

namespace mailhoard::cli {
namespace {

constexpr size_t kMaxRenameLookups = 64;

// A header value on one line: a folder name cannot hold CR or LF on any
// server we know, but the header must not break if one does.
std::string OneHeaderLine(std::string value) {
  for (char& c : value) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return value;
}

}  // namespace

Result<std::vector<ExportFolder>> CollectExportFolders(index::Index& index, const std::string& only,
                                                       const ExportWindow& window) {
  MH_ASSIGN_OR_RETURN(std::vector<index::FolderRecord> records, index.ListFolders());
  std::vector<ExportFolder> folders;
  std::map<int64_t, size_t> position;
  std::string known;
  for (const auto& r : records) {
    known += (known.empty() ? "" : ", ") + r.display_name;
    if (!only.empty() && r.display_name != only) continue;
    if (!FolderExisted(r, window)) continue;
    position[r.id] = folders.size();
    folders.push_back({r, {}});
  }
  if (!only.empty() && folders.empty()) {
    bool archived = false;
    for (const auto& r : records) archived = archived || r.display_name == only;
    if (!archived) {
      return Status::Error(ErrorCode::kNotFound,
                           "no archived folder named \"" + only + "\" (archived: " + known + ")");
    }
  }
  MH_RETURN_IF_ERROR(index.ForEachMessageFile([&](const index::MessageFile& f) -> Status {
    auto at = position.find(f.folder_id);
    if (at != position.end()) folders[at->second].message_ids.push_back(f.id);
    return Status::Ok();
  }));
  return folders;
}

Status ExportFolderMessages(index::Index& index, maildir::FileSystem& fs, const FolderExport& job,
                            const mbox::Sink& sink, ExportTally* tally) {
  const index::FolderRecord& folder = job.folder->record;
  const std::string dir =
      folder.local_path.empty() ? job.archive_dir : job.archive_dir + "/" + folder.local_path;
  size_t missing = 0;
  for (int64_t id : job.folder->message_ids) {
    MH_ASSIGN_OR_RETURN(std::optional<index::MessageRecord> row, index.GetMessage(id));
    if (!row || !InWindow(*row, job.window)) continue;
    if (row->file_name.empty()) {
      // Never delivered by the server, or requeued by `verify --repair`
      // after its file was lost: the reason says which.
      tally->left_out.push_back(
          {folder.display_name, "", "unfetchable",
           "UID " + std::to_string(row->uid) + ": " + row->unfetchable_reason});
      continue;
    }
    // A folder whose files are largely gone would list its directory once
    // per message; a handful of renames by a running sync is what this is for.
    const bool look_for_renamed = missing < kMaxRenameLookups;
    MH_ASSIGN_OR_RETURN(MessageCheck check,
                        CheckArchivedMessage(fs, dir, row->file_name, row->size, row->sha256,
                                             look_for_renamed, job.stop));
    if (check.problem == MessageProblem::kMissing) ++missing;
    if (check.problem != MessageProblem::kNone) {
      tally->left_out.push_back({folder.display_name, check.path,
                                 std::string(MessageProblemName(check.problem)), check.detail});
      continue;
    }
    mbox::EntryFraming framing;
    framing.from_line = mbox::FromLine(mbox::EnvelopeSender(check.header_start), MessageTime(*row));
    framing.add = mbox::FlagHeaders(row->flags, row->keywords);
    framing.replace = mbox::FlagHeaderNames();
    if (job.x_folder) {
      framing.add.push_back("X-Folder: " + OneHeaderLine(folder.display_name));
      framing.replace.push_back("X-Folder");
    }
    mbox::MboxrdMessage entry(sink, std::move(framing));
    if (entry.failed()) return IoError("cannot write the mbox");
    MH_RETURN_IF_ERROR(CopyArchivedMessage(*check.copy, check.path, entry, job.stop));
    ++tally->messages;
    tally->bytes += row->size;
  }
  return Status::Ok();
}

}  // namespace mailhoard::cli
