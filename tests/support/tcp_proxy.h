// A TCP proxy on 127.0.0.1 for tests and the benchmark: adds one-way latency
// (a "slow link": real providers are not on loopback, and round trips
// dominate incremental runs) and injects faults (cut the connection after N
// bytes from the server, as a dropped connection mid-message would).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace mailhoard::testing {

struct ProxyOptions {
  std::chrono::milliseconds delay{0};  // added in each direction
  // Close a connection once it has carried this many server→client bytes
  // (0: never). Applies to the first `cut_connections` connections only, so
  // a client's reconnect gets through.
  uint64_t cut_after_bytes = 0;
  int cut_connections = 1;
};

class TcpProxy {
 public:
  TcpProxy(uint16_t target_port, ProxyOptions options);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  uint16_t port() const { return port_; }
  int connections() const { return connections_.load(); }
  int cuts() const { return cuts_.load(); }

 private:
  struct Link;
  void AcceptLoop();
  void Serve(int client_fd, int index);

  uint16_t target_port_;
  ProxyOptions options_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> cuts_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
  std::vector<int> open_fds_;
};

}  // namespace mailhoard::testing
