#include "storage/maildir/message_writer.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <utility>

#include "storage/maildir/maildir.h"

namespace mailhoard::maildir {

MessageWriter::MessageWriter(Maildir* maildir, FileSystem* fs, std::string folder_dir,
                             std::string unique, std::unique_ptr<WritableFile> file,
                             LineEndings mode, size_t buffer_bytes)
    : maildir_(maildir),
      fs_(fs),
      folder_dir_(std::move(folder_dir)),
      unique_(std::move(unique)),
      tmp_path_(folder_dir_ + "/tmp/" + unique_),
      file_(std::move(file)),
      mode_(mode),
      buf_(new char[buffer_bytes]),
      cap_(buffer_bytes) {}

MessageWriter::MessageWriter(MessageWriter&& other) noexcept
    : maildir_(other.maildir_),
      fs_(other.fs_),
      folder_dir_(std::move(other.folder_dir_)),
      unique_(std::move(other.unique_)),
      tmp_path_(std::move(other.tmp_path_)),
      file_(std::move(other.file_)),
      mode_(other.mode_),
      buf_(std::move(other.buf_)),
      cap_(other.cap_),
      len_(other.len_),
      hash_(std::move(other.hash_)),
      size_(other.size_),
      pending_cr_(other.pending_cr_),
      state_(std::exchange(other.state_, State::kAborted)),
      error_(std::move(other.error_)) {}

MessageWriter& MessageWriter::operator=(MessageWriter&& other) noexcept {
  if (this != &other) {
    Abort();
    this->~MessageWriter();
    new (this) MessageWriter(std::move(other));
  }
  return *this;
}

MessageWriter::~MessageWriter() { Abort(); }

void MessageWriter::Abort() {
  if (state_ != State::kOpen) return;
  state_ = State::kAborted;
  if (file_) (void)file_->Close();
  file_.reset();
  (void)fs_->Unlink(tmp_path_);
}

Status MessageWriter::Fail(Status s) {
  Abort();
  error_ = s;
  return s;
}

Status MessageWriter::Flush() {
  if (len_ == 0) return Status::Ok();
  hash_.Update(buf_.get(), len_);
  Status s = file_->Append(buf_.get(), len_);
  len_ = 0;
  return s;
}

Status MessageWriter::Put(const char* data, size_t n) {
  size_ += n;
  while (n > 0) {
    size_t take = std::min(n, cap_ - len_);
    std::memcpy(buf_.get() + len_, data, take);
    len_ += take;
    data += take;
    n -= take;
    if (len_ == cap_) MH_RETURN_IF_ERROR(Flush());
  }
  return Status::Ok();
}

Status MessageWriter::Write(const char* data, size_t n) {
  if (!error_.ok()) return error_;
  if (state_ != State::kOpen) return InternalError("write to a finished message");
  Status s;
  if (mode_ == LineEndings::kAsIs) {
    s = Put(data, n);
  } else {
    // Only CRLF pairs become LF. A CR ending one chunk is held back until the
    // next byte shows whether it is half of a pair split across chunks.
    const char* end = data + n;
    if (pending_cr_ && data < end) {
      pending_cr_ = false;
      if (*data != '\n') s = Put("\r", 1);
    }
    while (s.ok() && data < end) {
      const char* cr = static_cast<const char*>(std::memchr(data, '\r', end - data));
      if (cr == nullptr) {
        s = Put(data, end - data);
        break;
      }
      s = Put(data, cr - data);
      if (!s.ok()) break;
      if (cr + 1 == end) {
        pending_cr_ = true;
      } else if (cr[1] != '\n') {
        s = Put("\r", 1);
      }
      data = cr + 1;
    }
  }
  if (!s.ok()) return Fail(s);
  return Status::Ok();
}

Result<DeliveredMessage> MessageWriter::Commit(uint32_t uid, MaildirFlags flags,
                                               std::optional<int64_t> mtime) {
  if (!error_.ok()) return error_;
  if (state_ != State::kOpen) return InternalError("commit of a finished message");
  Status s;
  if (pending_cr_) {
    pending_cr_ = false;
    s = Put("\r", 1);
  }
  if (s.ok()) s = Flush();
  // The mtime goes before the fsync so that the fsync makes it durable too;
  // no byte is written after it, so nothing moves it again.
  if (s.ok() && mtime) s = fs_->SetMtime(tmp_path_, *mtime);
  Durability durability = maildir_->options().durability;
  if (s.ok() && durability == Durability::kFull) s = file_->Sync();
  if (s.ok()) s = file_->Close();
  DeliveredMessage out;
  out.file_name = maildir_->MessageName(unique_, uid, size_, flags);
  std::string cur = folder_dir_ + "/cur";
  // kBatch renames in Maildir::SyncBatch, after one syncfs made the data of
  // the whole batch durable: still data before name, at a fraction of the
  // cost of an fsync per file.
  if (s.ok() && durability != Durability::kBatch)
    s = fs_->Rename(tmp_path_, cur + "/" + out.file_name);
  if (!s.ok()) return Fail(s);
  state_ = State::kCommitted;
  file_.reset();
  buf_.reset();
  out.uid = uid;
  out.size = size_;
  out.sha256 = hash_.Finish();
  out.stored = mode_;
  if (durability == Durability::kBatch) {
    maildir_->DeferRename(tmp_path_, cur + "/" + out.file_name, cur);
  } else {
    MH_RETURN_IF_ERROR(maildir_->DirChanged(cur));
  }
  return out;
}

}  // namespace mailhoard::maildir
