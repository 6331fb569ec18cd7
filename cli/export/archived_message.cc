#include "cli/export/archived_message.h"

#include <algorithm>
#include <vector>

#include "storage/maildir/message_name.h"
#include "storage/maildir/sha256.h"

namespace mailhoard::cli {
namespace {

constexpr size_t kChunk = 64 * 1024;
// Enough for Return-Path and From in all but pathological headers.
constexpr size_t kHeaderStart = 256 * 1024;

Status Stopped() { return Status::Error(ErrorCode::kCancelled, "interrupted"); }

// The file of `file_name` under another flag suffix, if a sync renamed it:
// same directory, same base (everything before ":2,").
std::string Renamed(maildir::FileSystem& fs, const std::string& dir, const std::string& file_name) {
  const size_t slash = file_name.rfind('/');
  const std::string sub = slash == std::string::npos ? "" : file_name.substr(0, slash + 1);
  auto parsed = maildir::ParseMessageName(file_name.substr(sub.size()));
  if (!parsed.ok()) return "";
  auto names = fs.ListDir(dir + "/" + sub);
  if (!names.ok()) return "";
  for (const auto& name : *names) {
    auto other = maildir::ParseMessageName(name);
    if (other.ok() && other->base == parsed->base) return dir + "/" + sub + name;
  }
  return "";
}

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

Result<MessageCheck> CheckArchivedMessage(maildir::FileSystem& fs, const std::string& dir,
                                          const std::string& file_name, uint64_t size,
                                          std::string_view sha256, bool look_for_renamed,
                                          const StopFn& stop) {
  MessageCheck check;
  check.path = dir + "/" + file_name;
  auto copy = fs.OpenForRead(check.path);
  if (!copy.ok() && copy.status().code() == ErrorCode::kNotFound && look_for_renamed) {
    std::string moved = Renamed(fs, dir, file_name);
    if (!moved.empty()) {
      check.path = moved;
      copy = fs.OpenForRead(check.path);
    }
  }
  Result<std::unique_ptr<maildir::ReadableFile>> file =
      copy.ok() ? fs.OpenForRead(check.path)
                : Result<std::unique_ptr<maildir::ReadableFile>>(copy.status());
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
    if (stop && stop()) return Stopped();
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
  if (check.problem == MessageProblem::kNone) {
    check.copy = std::move(*copy);
  } else {
    check.header_start.clear();
  }
  return check;
}

Status CopyArchivedMessage(maildir::ReadableFile& file, const std::string& path,
                           mbox::MboxrdMessage& entry, const StopFn& stop) {
  std::vector<char> buf(kChunk);
  for (;;) {
    if (stop && stop()) return Stopped();
    auto n = file.Read(buf.data(), buf.size());
    if (!n.ok()) return IoError("reading " + path + ": " + n.status().message());
    if (*n == 0) break;
    if (!entry.Feed(std::string_view(buf.data(), *n))) return IoError("cannot write the mbox");
  }
  if (!entry.Finish()) return IoError("cannot write the mbox");
  return Status::Ok();
}

}  // namespace mailhoard::cli
