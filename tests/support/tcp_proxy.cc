#include "tests/support/tcp_proxy.h"

#include "tests/support/loopback.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>

namespace mailhoard::testing {
namespace {

using Clock = std::chrono::steady_clock;

// What a pipe does once its fault strikes (after `after` bytes; 0: never).
struct PipeFault {
  uint64_t after = 0;
  ProxyFault kind = ProxyFault::kCut;
  std::chrono::milliseconds trickle_interval{1000};
};

// Where a pipe records what it forwards (null: nowhere); `mu` guards it.
struct PipeRecord {
  std::mutex* mu = nullptr;
  ProxyRecord* record = nullptr;
  bool down = false;
};

// One direction of a connection: a reader pushes chunks stamped with their
// release time; a writer sleeps until then and forwards them. Latency is
// added without limiting bandwidth, like a long fat pipe. `done` is shared
// by both directions of a connection: set once either side is gone, so a
// trickle stops feeding a dead link.
class DelayedPipe {
 public:
  DelayedPipe(int from, int to, std::chrono::milliseconds delay, PipeFault fault,
              std::atomic<int>* cuts, std::atomic<bool>* done, PipeRecord record)
      : from_(from),
        to_(to),
        delay_(delay),
        fault_(fault),
        cuts_(cuts),
        done_(done),
        record_(record) {}

  void Run() {
    std::thread writer([this] { WriteLoop(); });
    char buf[65536];
    uint64_t total = 0;
    bool struck = false;
    for (;;) {
      ssize_t n = read(from_, buf, sizeof buf);
      if (n <= 0) break;
      size_t take = static_cast<size_t>(n);
      if (fault_.after && !struck && total + take >= fault_.after) {
        take = static_cast<size_t>(fault_.after - total);
        struck = true;
      }
      total += take;
      // Counted before the last bytes go out: whoever sees them may check.
      if (struck) Strike();
      Forward(std::string(buf, take));
      if (!struck) continue;
      if (fault_.kind == ProxyFault::kCut) break;
      std::string rest(buf + take, static_cast<size_t>(n) - take);
      if (fault_.kind == ProxyFault::kStall) {
        Drain();
      } else {
        Trickle(std::move(rest));
      }
      break;
    }
    Push(std::string(), /*eof=*/true);
    writer.join();
  }

 private:
  struct Chunk {
    Clock::time_point release;
    std::string data;
    bool eof;
  };

  void Strike() {
    cuts_->fetch_add(1);
    if (record_.mu) {
      std::lock_guard<std::mutex> lock(*record_.mu);
      record_.record->faulted = true;
    }
  }

  void Forward(std::string data) {
    if (record_.mu) {
      std::lock_guard<std::mutex> lock(*record_.mu);
      ProxyRecord& r = *record_.record;
      std::string& bytes = record_.down ? r.down : r.up;
      if (bytes.size() < kRecordCap) bytes.append(data);
      r.marks.emplace_back(r.up.size(), r.down.size());
    }
    Push(std::move(data));
  }

  // A stall: read and drop everything until the link goes down (the client
  // gave up, or the other direction ended), so neither end blocks on us.
  void Drain() {
    char sink[65536];
    while (read(from_, sink, sizeof sink) > 0) {
    }
  }

  // One byte per interval: what was left of the read that struck, then the
  // rest of the stream, one byte at a time, until either end is gone.
  void Trickle(std::string pending) {
    size_t at = 0;
    for (;;) {
      if (at == pending.size()) {
        char c;
        if (read(from_, &c, 1) != 1) return;
        pending.assign(1, c);
        at = 0;
      }
      auto until = Clock::now() + fault_.trickle_interval;
      while (Clock::now() < until) {
        if (done_->load()) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      if (done_->load()) return;
      Forward(pending.substr(at++, 1));
    }
  }

  void Push(std::string data, bool eof = false) {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back({Clock::now() + delay_, std::move(data), eof});
    cv_.notify_one();
  }

  void WriteLoop() {
    bool sent_all = true;
    while (sent_all) {
      Chunk chunk;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return !queue_.empty(); });
        chunk = std::move(queue_.front());
        queue_.pop_front();
      }
      std::this_thread::sleep_until(chunk.release);
      if (chunk.eof) break;
      size_t off = 0;
      while (off < chunk.data.size()) {
        ssize_t w = send(to_, chunk.data.data() + off, chunk.data.size() - off, MSG_NOSIGNAL);
        if (w <= 0) {
          sent_all = false;
          break;
        }
        off += static_cast<size_t>(w);
      }
    }
    done_->store(true);
    // Both ends go down together: a cut is a dropped connection, not a
    // half-close the client could mistake for an orderly end.
    shutdown(to_, SHUT_RDWR);
    shutdown(from_, SHUT_RDWR);
  }

  static constexpr size_t kRecordCap = 64 << 20;

  int from_, to_;
  std::chrono::milliseconds delay_;
  PipeFault fault_;
  std::atomic<int>* cuts_;
  std::atomic<bool>* done_;
  PipeRecord record_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Chunk> queue_;
};

}  // namespace

TcpProxy::TcpProxy(uint16_t target_port, ProxyOptions options)
    : target_port_(target_port), options_(options) {
  listen_fd_ = ListenLoopback(&port_);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

TcpProxy::~TcpProxy() {
  stopping_ = true;
  shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  close(listen_fd_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : workers_) t.join();
  for (int fd : open_fds_) close(fd);
}

std::vector<ProxyRecord> TcpProxy::Records() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ProxyRecord> out;
  for (const auto& r : records_) out.push_back(r ? *r : ProxyRecord{});
  return out;
}

void TcpProxy::AcceptLoop() {
  while (!stopping_) {
    int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      if (stopping_) break;
      continue;
    }
    int one = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int index = connections_.fetch_add(1);
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.push_back(client);
    workers_.emplace_back([this, client, index] { Serve(client, index); });
  }
}

void TcpProxy::Serve(int client, int index) {
  int server = DialLoopback(target_port_);
  if (server < 0) {
    shutdown(client, SHUT_RDWR);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.push_back(server);
  }
  PipeFault none;
  PipeFault fault;
  if (index < options_.cut_connections) {
    fault = {options_.cut_after_bytes, options_.fault, options_.trickle_interval};
  }
  const bool down_faults = options_.direction == ProxyDirection::kServerToClient;
  PipeRecord down_record, up_record;
  if (options_.record) {
    std::lock_guard<std::mutex> lock(mu_);
    records_.resize(std::max(records_.size(), static_cast<size_t>(index) + 1));
    records_[index] = std::make_unique<ProxyRecord>();
    ProxyRecord* r = records_[index].get();
    down_record = {&mu_, r, true};
    up_record = {&mu_, r, false};
  }
  std::atomic<bool> done{false};
  DelayedPipe down(server, client, options_.delay, down_faults ? fault : none, &cuts_, &done,
                   down_record);
  DelayedPipe up(client, server, options_.delay, down_faults ? none : fault, &cuts_, &done,
                 up_record);
  std::thread up_thread([&] { up.Run(); });
  down.Run();
  up_thread.join();
}

}  // namespace mailhoard::testing
