#include "engine/net/buffered_reader.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

namespace mailhoard::net {

BufferedReader::BufferedReader(std::unique_ptr<Transport> transport, size_t capacity)
    : transport_(std::move(transport)), buf_(std::max<size_t>(capacity, 64)) {}

Status BufferedReader::Eof(std::string_view during) const {
  return NetworkError("connection closed by " + transport_->Describe() + " " + std::string(during));
}

Result<size_t> BufferedReader::Fill() {
  if (end_ == buf_.size() && begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (begin_ == end_) begin_ = end_ = 0;  // cheap reset keeps reads large
  if (end_ == buf_.size()) return InternalError("BufferedReader::Fill with a full buffer");
  MH_ASSIGN_OR_RETURN(size_t n, transport_->Read(buf_.data() + end_, buf_.size() - end_));
  end_ += n;
  return n;
}

Result<std::string_view> BufferedReader::ReadLine(size_t max_len) {
  if (max_len > kMaxLineLimit) {
    return InvalidArgument("ReadLine limit " + std::to_string(max_len) + " exceeds " +
                           std::to_string(kMaxLineLimit));
  }
  // The line plus CRLF must fit contiguously; growth is bounded by max_len.
  if (buf_.size() < max_len + 2) buf_.resize(max_len + 2);
  for (;;) {
    const char* start = buf_.data() + begin_;
    const size_t avail = end_ - begin_;
    const void* lf = std::memchr(start + scanned_, '\n', avail - scanned_);
    if (lf != nullptr) {
      size_t len = static_cast<const char*>(lf) - start;
      size_t content = (len > 0 && start[len - 1] == '\r') ? len - 1 : len;
      if (content > max_len) break;
      begin_ += len + 1;
      scanned_ = 0;
      return std::string_view(start, content);
    }
    scanned_ = avail;
    // Without an LF, avail bytes are content except a trailing CR.
    size_t content = (avail > 0 && start[avail - 1] == '\r') ? avail - 1 : avail;
    if (content > max_len) break;
    MH_ASSIGN_OR_RETURN(size_t n, Fill());
    if (n == 0) {
      return Eof(avail ? "in the middle of a line" : "while a response line was expected");
    }
  }
  return ProtocolError(transport_->Describe() + " sent a line longer than " +
                       std::to_string(max_len) + " bytes");
}

Result<size_t> BufferedReader::ReadSome(char* buf, size_t len) {
  if (len == 0) return size_t{0};
  if (begin_ < end_) {
    size_t n = std::min(len, end_ - begin_);
    std::memcpy(buf, buf_.data() + begin_, n);
    begin_ += n;
    scanned_ = 0;
    return n;
  }
  return transport_->Read(buf, len);
}

Status BufferedReader::ReadExact(size_t n, const std::function<Status(const char*, size_t)>& sink) {
  size_t done = 0;
  while (done < n) {
    if (begin_ == end_) {
      MH_ASSIGN_OR_RETURN(size_t got, Fill());
      if (got == 0) {
        return Eof("after " + std::to_string(done) + " of " + std::to_string(n) + " bytes");
      }
    }
    size_t chunk = std::min(n - done, end_ - begin_);
    const char* data = buf_.data() + begin_;
    begin_ += chunk;
    scanned_ = 0;
    done += chunk;
    MH_RETURN_IF_ERROR(sink(data, chunk));
  }
  return Status::Ok();
}

Status BufferedReader::StartTls(const TlsOptions& options) {
  if (buffered() != 0) {
    return ProtocolError(transport_->Describe() + " sent " + std::to_string(buffered()) +
                         " bytes after accepting STARTTLS; refusing to upgrade (possible "
                         "command injection)");
  }
  return transport_->StartTls(options);
}

Status BufferedReader::Wrap(
    const std::function<std::unique_ptr<Transport>(std::unique_ptr<Transport>)>& wrap) {
  if (buffered() != 0) {
    return ProtocolError(transport_->Describe() + " sent " + std::to_string(buffered()) +
                         " bytes before the new layer started");
  }
  transport_ = wrap(std::move(transport_));
  return Status::Ok();
}

}  // namespace mailhoard::net
