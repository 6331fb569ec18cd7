#include "cli/commands/trace_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace mailhoard::cli {

Result<std::unique_ptr<TraceFile>> TraceFile::Open(const std::string& path) {
  // Owner-only: even redacted, a trace shows who mails whom.
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot open trace file " + path + ": " + strerror(errno));
  FILE* f = fdopen(fd, "a");
  if (!f) {
    close(fd);
    return IoError("cannot open trace file " + path);
  }
  return std::unique_ptr<TraceFile>(new TraceFile(f));
}

TraceFile::~TraceFile() { fclose(file_); }

void TraceFile::Line(imap::TraceDirection direction, std::string_view line) {
  Write(direction == imap::TraceDirection::kSent, line);
}

void TraceFile::Line(pop3::TraceDirection direction, std::string_view line) {
  Write(direction == pop3::TraceDirection::kSent, line);
}

void TraceFile::Write(bool sent, std::string_view line) {
  std::lock_guard<std::mutex> lock(mu_);
  fputs(sent ? "C: " : "S: ", file_);
  fwrite(line.data(), 1, line.size(), file_);
  fputc('\n', file_);
}

Result<std::unique_ptr<TraceFile>> TraceFile::OpenIfAsked(const std::string& path) {
  if (path.empty()) return std::unique_ptr<TraceFile>();
  return Open(path);
}

}  // namespace mailhoard::cli
