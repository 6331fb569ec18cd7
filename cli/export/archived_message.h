// Reading one archived message for an export: first checked against its
// index row (there, readable, same size, same SHA-256 — the checks of
// `mailhoard verify`), then streamed into its mbox entry. The check reads
// the file once more than a plain copy would; in exchange a damaged message
// is left out whole instead of discovered half-written (and stdout, which
// cannot be rewound, gets the same treatment as a file).
//
// The copy reads a second handle opened together with the one the check
// reads, so a sync that renames the file meanwhile (a flag changed: only
// the ":2,<flags>" suffix moves) cannot take it away between the two; one
// renamed before the check is looked for under its new suffix.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "storage/maildir/file_system.h"
#include "storage/mbox/mboxrd_writer.h"

namespace mailhoard::cli {

enum class MessageProblem { kNone, kMissing, kUnreadable, kSizeMismatch, kHashMismatch };

// "missing", "unreadable", "size-mismatch", "hash-mismatch" (verify's words).
std::string_view MessageProblemName(MessageProblem problem);

// True once the user asked to stop (SIGINT/SIGTERM); checked per chunk.
using StopFn = std::function<bool()>;

struct MessageCheck {
  MessageProblem problem = MessageProblem::kNone;
  std::string path;          // where the file was found (or looked for)
  std::string detail;        // for a person, when there is a problem
  std::string header_start;  // the first bytes of the file (its header, usually whole)
  std::unique_ptr<maildir::ReadableFile> copy;  // unread; set when there is no problem
};

// `dir` is the folder's directory, `file_name` the row's ("cur/<name>");
// `sha256` the row's 32 raw bytes, or empty when the index has none (then
// only the size is compared). A file not found is looked for under another
// suffix when `look_for_renamed` (a directory listing each: the caller
// bounds how often). kCancelled when `stop` said so.
Result<MessageCheck> CheckArchivedMessage(maildir::FileSystem& fs, const std::string& dir,
                                          const std::string& file_name, uint64_t size,
                                          std::string_view sha256, bool look_for_renamed,
                                          const StopFn& stop);

// Streams `file` into `entry`. An error here comes after part of the entry
// was written: the export as a whole has failed.
Status CopyArchivedMessage(maildir::ReadableFile& file, const std::string& path,
                           mbox::MboxrdMessage& entry, const StopFn& stop);

}  // namespace mailhoard::cli
