#include "cli/export/archived_message.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "storage/maildir/sha256.h"

namespace mailhoard::cli {
namespace {

constexpr size_t kChunk = 64 * 1024;
// Enough for Return-Path and From in all but pathological headers.
constexpr size_t kHeaderStart = 256 * 1024;

}  // namespace

std::string_view MessageProblemName(MessageProblem problem) {
  switch (problem) {
    case MessageProblem::kNone:
      return "ok";
    case MessageProblem::kMissing:
      return "missing";
    case MessageProblem::kUnreadable:
      return "unreadable";
    case MessageProblem::kSizeMismatch:
      return "size-mismatch";
    case MessageProblem::kHashMismatch:
      return "hash-mismatch";
  }
  return "unreadable";
}

MessageCheck CheckArchivedMessage(maildir::FileSystem& fs, const std::string& path, uint64_t size,
                                  std::string_view sha256) {
  MessageCheck check;
  auto file = fs.OpenForRead(path);
  if (!file.ok()) {
    check.problem = file.status().code() == ErrorCode::kNotFound ? MessageProblem::kMissing
                                                                 : MessageProblem::kUnreadable;
    check.detail = file.status().message();
    return check;
  }
  maildir::Sha256 hash;
  uint64_t seen = 0;
  std::vector<char> buf(kChunk);
  for (;;) {
    auto n = (*file)->Read(buf.data(), buf.size());
    if (!n.ok()) {
      check.problem = MessageProblem::kUnreadable;
      check.detail = n.status().message();
      return check;
    }
    if (*n == 0) break;
    hash.Update(buf.data(), *n);
    if (check.header_start.size() < kHeaderStart) {
      check.header_start.append(buf.data(), std::min(*n, kHeaderStart - check.header_start.size()));
    }
    seen += *n;
  }
  const maildir::Sha256Digest digest = hash.Finish();
  if (seen != size) {
    check.problem = MessageProblem::kSizeMismatch;
    check.detail =
        "index says " + std::to_string(size) + " bytes, file has " + std::to_string(seen);
  } else if (!sha256.empty() && std::string_view(reinterpret_cast<const char*>(digest.data()),
                                                 digest.size()) != sha256) {
    check.problem = MessageProblem::kHashMismatch;
    check.detail = "SHA-256 " + maildir::ToHex(digest) + ", index says " +
                   maildir::ToHex(reinterpret_cast<const uint8_t*>(sha256.data()), sha256.size());
  }
  if (check.problem != MessageProblem::kNone) check.header_start.clear();
  return check;
}

Status CopyArchivedMessage(maildir::FileSystem& fs, const std::string& path,
                           mbox::MboxrdMessage& entry) {
  MH_ASSIGN_OR_RETURN(std::unique_ptr<maildir::ReadableFile> file, fs.OpenForRead(path));
  std::vector<char> buf(kChunk);
  for (;;) {
    MH_ASSIGN_OR_RETURN(size_t n, file->Read(buf.data(), buf.size()));
    if (n == 0) break;
    if (!entry.Feed(std::string_view(buf.data(), n))) return IoError("cannot write the mbox");
  }
  if (!entry.Finish()) return IoError("cannot write the mbox");
  return Status::Ok();
}

}  // namespace mailhoard::cli
