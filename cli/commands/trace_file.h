// --trace FILE: the protocol conversation of every connection, appended to
// one file, with secrets already redacted by the protocol layer.
#pragma once

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"
#include "engine/net/trace.h"

namespace mailhoard::cli {

// One sink for every connection of every protocol (net::TraceSink).
class TraceFile : public net::TraceSink {
 public:
  static Result<std::unique_ptr<TraceFile>> Open(const std::string& path);
  // Open(path), or null when `path` is empty (no --trace given).
  static Result<std::unique_ptr<TraceFile>> OpenIfAsked(const std::string& path);
  ~TraceFile() override;
  void Line(net::TraceDirection direction, std::string_view line) override;

 private:
  explicit TraceFile(FILE* f) : file_(f) {}
  std::mutex mu_;
  FILE* file_;
};

}  // namespace mailhoard::cli
