// A TCP proxy on 127.0.0.1 for tests and the benchmark: adds one-way latency
// (a "slow link": real providers are not on loopback, and round trips
// dominate incremental runs) and injects faults at a byte offset of one
// direction: a cut (the connection dropped mid-message), a stall (the peer
// goes silent but keeps the connection open) or a trickle (one byte per
// interval). It can also record what each connection carried, so a test can
// tell where a fault landed (in a literal, in the TLS handshake, ...).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace mailhoard::testing {

enum class ProxyFault {
  kCut,      // close both ends at once, as a dropped connection
  kStall,    // forward nothing more, keep the connection open
  kTrickle,  // forward the rest one byte per trickle_interval
};

enum class ProxyDirection { kServerToClient, kClientToServer };

struct ProxyOptions {
  std::chrono::milliseconds delay{0};  // added in each direction
  // The fault strikes once a connection has carried this many bytes in
  // `direction` (0: never; with a cut, the connection carries exactly this
  // many). Applies to the first `cut_connections` connections only, so a
  // client's reconnect gets through.
  uint64_t cut_after_bytes = 0;
  int cut_connections = 1;
  ProxyFault fault = ProxyFault::kCut;
  ProxyDirection direction = ProxyDirection::kServerToClient;
  std::chrono::milliseconds trickle_interval{1000};
  // Keep the bytes of each connection (both directions, up to where it
  // faulted) for Records().
  bool record = false;
};

// What one connection carried, in the order it was accepted.
struct ProxyRecord {
  std::string down;  // server → client
  std::string up;    // client → server
  // (up.size(), down.size()) after each read forwarded in either direction:
  // what the client had sent when the server's bytes reached a point (which
  // command a byte answers, whether the TLS handshake was over).
  std::vector<std::pair<size_t, size_t>> marks;
  bool faulted = false;
};

class TcpProxy {
 public:
  TcpProxy(uint16_t target_port, ProxyOptions options);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  uint16_t port() const { return port_; }
  int connections() const { return connections_.load(); }
  // Faults struck so far (cuts, stalls and trickles alike).
  int cuts() const { return cuts_.load(); }
  // With options.record: a copy of each connection's record so far.
  std::vector<ProxyRecord> Records() const;

 private:
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
  mutable std::mutex mu_;
  std::vector<std::thread> workers_;
  std::vector<int> open_fds_;
  std::vector<std::unique_ptr<ProxyRecord>> records_;  // guarded by mu_
};

}  // namespace mailhoard::testing
