// An archived message file as an APPEND literal: streamed in chunks, never
// held in memory. A message archived with LF line endings gets its CRLFs
// back on the way out (RFC 3501 §4.3 wants CRLF), and its literal size is
// counted from the file, so the announced size is exact.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "engine/imap/client/command.h"

namespace mailhoard::push {

class FileLiteral : public imap::LiteralSource {
 public:
  static Result<std::shared_ptr<FileLiteral>> Open(const std::string& path, bool lf_to_crlf);
  uint64_t size() const override { return size_; }
  Status WriteTo(const Sink& sink) const override;

 private:
  FileLiteral(std::string path, bool lf_to_crlf, uint64_t size)
      : path_(std::move(path)), lf_to_crlf_(lf_to_crlf), size_(size) {}
  std::string path_;
  bool lf_to_crlf_;
  uint64_t size_;
};

}  // namespace mailhoard::push
