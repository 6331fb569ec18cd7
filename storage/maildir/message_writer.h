// MessageWriter: streams one message into <folder>/tmp/ and delivers it into
// <folder>/cur/ on Commit. Created by Maildir::NewMessage.
//
// Crash order (docs/architecture.md "Crash order"):
//   1. bytes are written to tmp/<unique>            (a crash leaves a tmp file;
//                                                     reconcile removes it)
//   2. set the mtime to the message's INTERNALDATE
//   3. make the data durable: fsync the file (kFull), or one syncfs for the
//      whole batch in Maildir::SyncBatch (kBatch)
//   4. rename tmp/<unique> → cur/<unique>,U=<uid>,S=<size>:2,<flags>
//      (kFull: in Commit; kBatch: in SyncBatch, after 3)
//                                                    (a crash leaves a complete
//                                                     file in cur/ without an
//                                                     index row; reconcile
//                                                     finds it by its uid)
//   5. fsync cur/: in Commit (kFull) or once per batch in SyncBatch (kBatch)
//   6. the caller commits the index transaction — never before 5.
// So in kBatch, DeliveredMessage::file_name names the file cur/ will hold
// once SyncBatch has run; until then it sits in tmp/.
// The SHA-256 and size describe the bytes stored, so they can be checked
// against the file later without knowing how it was converted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "storage/maildir/file_system.h"
#include "storage/maildir/message_name.h"
#include "storage/maildir/sha256.h"

namespace mailhoard::maildir {

class Maildir;

enum class LineEndings {
  kAsIs,  // store the bytes exactly as received (RFC 5322 wire form: CRLF)
  kLf,    // turn every CRLF pair into LF, as most local mail tools expect;
          // a lone CR or LF is kept
};

struct DeliveredMessage {
  std::string file_name;  // under <folder>/cur/
  uint32_t uid = 0;
  uint64_t size = 0;      // bytes stored
  Sha256Digest sha256{};  // of the bytes stored
  LineEndings stored = LineEndings::kAsIs;
};

class MessageWriter {
 public:
  MessageWriter(MessageWriter&& other) noexcept;
  MessageWriter& operator=(MessageWriter&& other) noexcept;
  MessageWriter(const MessageWriter&) = delete;
  MessageWriter& operator=(const MessageWriter&) = delete;
  // Aborts unless committed.
  ~MessageWriter();

  // Appends message bytes. On failure the tmp file is already removed and
  // every later call returns the same error.
  Status Write(const char* data, size_t n);
  Status Write(std::string_view data) { return Write(data.data(), data.size()); }

  // Finishes the message and, per the Maildir's durability, makes it durable
  // and moves it into cur/ (kFull, kNone) or queues it for SyncBatch (kBatch). `mtime` is the
  // INTERNALDATE in seconds since the epoch; unset leaves the time of writing. On failure before
  // the rename the tmp file is removed; a failure of the directory fsync after it leaves the file
  // in cur/ (complete, but maybe not durable): do not commit the index then.
  Result<DeliveredMessage> Commit(uint32_t uid, MaildirFlags flags,
                                  std::optional<int64_t> mtime = std::nullopt);

  // Removes the tmp file. Safe to call more than once; errors are ignored
  // (reconcile removes leftovers).
  void Abort();

  uint64_t size() const { return size_; }  // bytes stored so far
  LineEndings line_endings() const { return mode_; }
  const std::string& tmp_path() const { return tmp_path_; }

 private:
  friend class Maildir;
  enum class State { kOpen, kCommitted, kAborted };

  MessageWriter(Maildir* maildir, FileSystem* fs, std::string folder_dir, std::string unique,
                std::unique_ptr<WritableFile> file, LineEndings mode, size_t buffer_bytes);

  Status Put(const char* data, size_t n);  // into the buffer, flushing as it fills
  Status Flush();
  Status Fail(Status s);

  Maildir* maildir_;
  FileSystem* fs_;
  std::string folder_dir_;
  std::string unique_;
  std::string tmp_path_;
  std::unique_ptr<WritableFile> file_;
  LineEndings mode_;
  std::unique_ptr<char[]> buf_;
  size_t cap_ = 0;
  size_t len_ = 0;
  Sha256 hash_;
  uint64_t size_ = 0;
  bool pending_cr_ = false;  // a CR ended the last chunk (kLf mode)
  State state_ = State::kOpen;
  Status error_;  // sticky: the first failure
};

}  // namespace mailhoard::maildir
