#include "engine/net/fd_wait.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace mailhoard::net {

std::string ErrnoString(int err) {
  char buf[256];
  // GNU strerror_r may return a static string instead of filling buf.
  const char* s = strerror_r(err, buf, sizeof buf);
  return s ? std::string(s) : "errno " + std::to_string(err);
}

Status WaitForFd(int fd, short events, std::chrono::milliseconds timeout, std::string_view what) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() < 0) left = std::chrono::milliseconds(0);
    pollfd p{fd, events, 0};
    int rc = poll(&p, 1, static_cast<int>(left.count()));
    if (rc > 0) return Status::Ok();  // POLLERR/POLLHUP: the next syscall reports why
    if (rc == 0) {
      return TimeoutError(std::string(what) + ": timed out after " +
                          std::to_string(timeout.count()) + " ms without progress");
    }
    if (errno == EINTR) continue;
    return NetworkError(std::string(what) + ": poll: " + ErrnoString(errno));
  }
}

Status WaitForFdWithin(int fd, short events, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds* budget, std::string_view what) {
  if (budget == nullptr) return WaitForFd(fd, events, timeout, what);
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const bool budget_first = *budget < timeout;
  const auto wait = std::max(std::chrono::milliseconds(0), std::min(timeout, *budget));
  Status s = WaitForFd(fd, events, wait, what);
  *budget -= std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  if (s.code() == ErrorCode::kTimeout && budget_first) {
    return TimeoutError(std::string(what) + ": timed out: fewer than " +
                        std::to_string(kTrickleBytes) + " bytes in " +
                        std::to_string(timeout.count()) + " ms (the server sends too slowly)");
  }
  return s;
}

}  // namespace mailhoard::net
