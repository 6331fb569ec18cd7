// Loopback helpers for net tests: listeners that accept and stay silent,
// free ports with nobody listening, connected socket pairs.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>
#include <utility>

namespace mailhoard::net::testing {

// A listening socket on 127.0.0.1:<free port> that never accepts: the kernel
// completes the TCP handshake from the backlog, then nothing is ever said.
class SilentListener {
 public:
  explicit SilentListener(int backlog = 16) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd_, backlog) != 0) {
      throw std::runtime_error("listen failed");
    }
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~SilentListener() { close(fd_); }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  uint16_t port() const { return port_; }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// A port on 127.0.0.1 that was free a moment ago and has no listener.
inline uint16_t UnusedPort() {
  SilentListener l;
  return l.port();  // closed when l goes out of scope
}

inline std::pair<int, int> SocketPair() {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    throw std::runtime_error("socketpair failed");
  }
  return {fds[0], fds[1]};
}

}  // namespace mailhoard::net::testing
