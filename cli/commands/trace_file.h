// --trace FILE: the protocol conversation of every connection, appended to
// one file, with secrets already redacted by the protocol layer.
#pragma once

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "engine/core/status.h"
#include "engine/imap/client/trace.h"
#include "engine/pop3/pop3_client.h"

namespace mailhoard::cli {

class TraceFile : public imap::TraceSink, public pop3::TraceSink {
 public:
  static Result<std::unique_ptr<TraceFile>> Open(const std::string& path);
  // Open(path), or null when `path` is empty (no --trace given).
  static Result<std::unique_ptr<TraceFile>> OpenIfAsked(const std::string& path);
  ~TraceFile() override;
  void Line(imap::TraceDirection direction, std::string_view line) override;
  void Line(pop3::TraceDirection direction, std::string_view line) override;

 private:
  explicit TraceFile(FILE* f) : file_(f) {}
  void Write(bool sent, std::string_view line);
  std::mutex mu_;
  FILE* file_;
};

}  // namespace mailhoard::cli
