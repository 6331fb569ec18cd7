// The messages of an export, folder by folder, into mbox entries. Knows the
// index and the archive's files; where the bytes go is the caller's Sink.
//
// A message is left out, and listed in the tally, when its row has no file
// (the server never delivered it) or its file is missing or damaged (see
// archived_message.h); everything else in the window is written.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/export/archived_message.h"
#include "cli/export/export_window.h"
#include "core/status.h"
#include "storage/index/index.h"
#include "storage/maildir/file_system.h"
#include "storage/mbox/mboxrd_writer.h"

namespace mailhoard::cli {

struct ExportFolder {
  index::FolderRecord record;
  std::vector<int64_t> message_ids;  // rows of the folder, in index order
};

// The archived folders to export, in the index's order, with their message
// rows: every folder, or the one whose display name is `only`; under
// --as-of not those a sync had found gone by then. kNotFound listing the
// archived names when `only` names none.
Result<std::vector<ExportFolder>> CollectExportFolders(index::Index& index, const std::string& only,
                                                       const ExportWindow& window);

struct LeftOut {
  std::string folder;
  std::string path;     // empty for a row without a file
  std::string problem;  // "missing", "hash-mismatch", ..., "unfetchable"
  std::string detail;
};

struct ExportTally {
  uint64_t messages = 0;
  uint64_t bytes = 0;  // as archived (before LF conversion and quoting)
  std::vector<LeftOut> left_out;
};

struct FolderExport {
  const ExportFolder* folder = nullptr;
  std::string archive_dir;  // the account's archive root
  ExportWindow window;
  bool x_folder = false;  // add "X-Folder: <name>" (several folders in one file)
  StopFn stop;            // null: never; else kCancelled at the next chunk once true
};

// Writes the folder's messages in the window to `sink`. Fails only when
// the index cannot be read, the sink or a file fails mid-entry, or `stop`.
Status ExportFolderMessages(index::Index& index, maildir::FileSystem& fs, const FolderExport& job,
                            const mbox::Sink& sink, ExportTally* tally);

}  // namespace mailhoard::cli
