#include "cli/credentials.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace mailhoard::cli {
namespace {

void StripOneNewline(std::string* s) {
  if (!s->empty() && s->back() == '\n') {
    s->pop_back();
    if (!s->empty() && s->back() == '\r') s->pop_back();
  }
}

std::string Errno(int err) { return std::strerror(err); }

// Wipes a buffer that held secret bytes before it is released.
void Wipe(std::string* s) {
  volatile char* p = s->data();
  for (size_t i = 0; i < s->size(); ++i) p[i] = 0;
  s->clear();
}

Result<std::string> RunCommand(const SecretSource& source, const SecretOptions& options) {
  // The key, not the command line: `printf %s hunter2; ...` or `curl -u
  // me:hunter2 ...` would put the secret in an error message, a log or a
  // report. `config check` shows the command (unless it prints a literal).
  const std::string what = source.key;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return IoError(what + ": pipe: " + Errno(errno));
  const pid_t pid = fork();
  if (pid < 0) {
    const int err = errno;
    close(fds[0]);
    close(fds[1]);
    return IoError(what + ": fork: " + Errno(err));
  }
  if (pid == 0) {
    // Child: stdout into the pipe; stdin/stderr stay so an interactive
    // pinentry or `pass` error message still reaches the user's terminal.
    if (dup2(fds[1], STDOUT_FILENO) < 0) _exit(127);
    execl("/bin/sh", "sh", "-c", source.value.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);

  std::string out;
  bool too_big = false;
  bool timed_out = false;
  const auto deadline = std::chrono::steady_clock::now() + options.command_timeout;
  char buf[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      timed_out = true;
      break;
    }
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (out.size() + static_cast<size_t>(n) > options.max_bytes) {
      too_big = true;
      break;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  std::memset(buf, 0, sizeof buf);
  close(fds[0]);
  if (timed_out || too_big) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out || too_big) {
    Wipe(&out);
    if (timed_out) {
      return Status::Error(ErrorCode::kTimeout,
                           what + ": no answer within " +
                               std::to_string(options.command_timeout.count() / 1000) +
                               "s; killed it");
    }
    return InvalidArgument(what + ": printed more than " + std::to_string(options.max_bytes) +
                           " bytes; that is not a password");
  }
  if (WIFSIGNALED(status)) {
    Wipe(&out);
    return InvalidArgument(what + ": killed by signal " + std::to_string(WTERMSIG(status)));
  }
  if (WEXITSTATUS(status) != 0) {
    Wipe(&out);
    // Its output may be a partial secret or a secret-bearing error; not shown.
    return InvalidArgument(what + ": exited with status " + std::to_string(WEXITSTATUS(status)) +
                           (WEXITSTATUS(status) == 127 ? " (command not found?)" : ""));
  }
  StripOneNewline(&out);
  if (out.empty()) return InvalidArgument(what + ": printed nothing");
  return out;
}

Result<std::string> ReadSecretFile(const SecretSource& source, const SecretOptions& options,
                                   std::vector<std::string>* warnings) {
  const std::string what = source.key + " (" + source.value + ")";
  const int fd = open(source.value.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return IoError(what + ": cannot open: " + Errno(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return IoError(what + ": not a regular file");
  }
  if ((st.st_mode & 077) != 0 && warnings != nullptr) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    warnings->push_back(what + ": readable by group or others (mode " + mode +
                        "); run chmod 600 on it");
  }
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      close(fd);
      Wipe(&out);
      return IoError(what + ": read: " + Errno(err));
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > options.max_bytes) {
      close(fd);
      Wipe(&out);
      return InvalidArgument(what + ": larger than " + std::to_string(options.max_bytes) +
                             " bytes; that is not a password");
    }
    out.append(buf, static_cast<size_t>(n));
  }
  std::memset(buf, 0, sizeof buf);
  close(fd);
  StripOneNewline(&out);
  if (out.empty()) return InvalidArgument(what + ": file is empty");
  return out;
}

}  // namespace

Result<std::string> ResolveSecret(const SecretSource& source, std::vector<std::string>* warnings,
                                  const SecretOptions& options) {
  switch (source.kind) {
    case SecretSource::Kind::kCommand:
      return RunCommand(source, options);
    case SecretSource::Kind::kFile:
      return ReadSecretFile(source, options, warnings);
    case SecretSource::Kind::kEnv: {
      const char* v = std::getenv(source.value.c_str());
      if (v == nullptr) {
        return InvalidArgument(source.key + ": environment variable " + source.value +
                               " is not set");
      }
      if (*v == '\0') {
        return InvalidArgument(source.key + ": environment variable " + source.value + " is empty");
      }
      return std::string(v);
    }
    case SecretSource::Kind::kNone:
      break;
  }
  return InvalidArgument("no secret source configured");
}

}  // namespace mailhoard::cli
