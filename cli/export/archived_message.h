// Reading one archived message for an export: first checked against its
// index row (there, readable, same size, same SHA-256 — the checks of
// `mailhoard verify`), then streamed into its mbox entry. The check reads
// the file once more than a plain copy would; in exchange a damaged message
// is left out whole instead of discovered half-written (and stdout, which
// cannot be rewound, gets the same treatment as a file).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "storage/maildir/file_system.h"
#include "storage/mbox/mboxrd_writer.h"

namespace mailhoard::cli {

enum class MessageProblem { kNone, kMissing, kUnreadable, kSizeMismatch, kHashMismatch };

// "missing", "unreadable", "size-mismatch", "hash-mismatch" (verify's words).
std::string_view MessageProblemName(MessageProblem problem);

struct MessageCheck {
  MessageProblem problem = MessageProblem::kNone;
  std::string detail;        // for a person, when there is a problem
  std::string header_start;  // the first bytes of the file (its header, usually whole)
};

// `sha256` is the row's 32 raw bytes, or empty when the index has none
// (then only the size is compared).
MessageCheck CheckArchivedMessage(maildir::FileSystem& fs, const std::string& path, uint64_t size,
                                  std::string_view sha256);

// Streams the file into `entry`. An error here comes after part of the
// entry was written: the export as a whole has failed.
Status CopyArchivedMessage(maildir::FileSystem& fs, const std::string& path,
                           mbox::MboxrdMessage& entry);

}  // namespace mailhoard::cli
