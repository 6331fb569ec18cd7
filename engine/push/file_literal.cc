#include "engine/push/file_literal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace mailhoard::push {
namespace {

constexpr size_t kChunk = 64 * 1024;

Status FileError(const std::string& what, const std::string& path) {
  return Status::Error(ErrorCode::kIo, what + " " + path + ": " + std::strerror(errno),
                       ErrorScope::kMessage);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// Calls fn(data, len, ended_with_cr) per chunk of the file, converted.
template <typename Fn>
Status ReadConverted(const std::string& path, bool lf_to_crlf, Fn&& fn) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return FileError("cannot open", path);
  std::vector<char> in(kChunk);
  std::vector<char> out;
  out.reserve(2 * kChunk);
  char prev = 0;
  for (;;) {
    ssize_t n = ::read(fd.get(), in.data(), in.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return FileError("cannot read", path);
    }
    if (n == 0) return Status::Ok();
    if (!lf_to_crlf) {
      MH_RETURN_IF_ERROR(fn(in.data(), static_cast<size_t>(n)));
      continue;
    }
    out.clear();
    for (ssize_t i = 0; i < n; ++i) {
      if (in[i] == '\n' && prev != '\r') out.push_back('\r');
      out.push_back(in[i]);
      prev = in[i];
    }
    MH_RETURN_IF_ERROR(fn(out.data(), out.size()));
  }
}

}  // namespace

Result<std::shared_ptr<FileLiteral>> FileLiteral::Open(const std::string& path, bool lf_to_crlf) {
  uint64_t size = 0;
  if (lf_to_crlf) {
    MH_RETURN_IF_ERROR(ReadConverted(path, true, [&](const char*, size_t n) {
      size += n;
      return Status::Ok();
    }));
  } else {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return FileError("cannot open", path);
    size = static_cast<uint64_t>(st.st_size);
  }
  return std::shared_ptr<FileLiteral>(new FileLiteral(path, lf_to_crlf, size));
}

Status FileLiteral::WriteTo(const Sink& sink) const {
  uint64_t written = 0;
  MH_RETURN_IF_ERROR(ReadConverted(path_, lf_to_crlf_, [&](const char* data, size_t n) {
    written += n;
    return sink(data, n);
  }));
  // The file changed since the size was announced: the literal would be
  // short or long, so say so instead of desynchronising the connection.
  if (written != size_) {
    return Status::Error(ErrorCode::kIo, path_ + " changed while it was uploaded",
                         ErrorScope::kMessage);
  }
  return Status::Ok();
}

}  // namespace mailhoard::push
