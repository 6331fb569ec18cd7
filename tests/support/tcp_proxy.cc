#include "tests/support/tcp_proxy.h"

#include "tests/support/loopback.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>

namespace mailhoard::testing {
namespace {

using Clock = std::chrono::steady_clock;

// One direction of a connection: a reader pushes chunks stamped with their
// release time; a writer sleeps until then and forwards them. Latency is
// added without limiting bandwidth, like a long fat pipe.
class DelayedPipe {
 public:
  DelayedPipe(int from, int to, std::chrono::milliseconds delay, uint64_t cut_after,
              std::atomic<int>* cuts)
      : from_(from), to_(to), delay_(delay), cut_after_(cut_after), cuts_(cuts) {}

  void Run() {
    std::thread writer([this] { WriteLoop(); });
    char buf[65536];
    uint64_t total = 0;
    for (;;) {
      ssize_t n = read(from_, buf, sizeof buf);
      if (n <= 0) break;
      size_t take = static_cast<size_t>(n);
      bool cut = false;
      if (cut_after_ && total + take >= cut_after_) {
        take = static_cast<size_t>(cut_after_ - total);
        cut = true;
      }
      total += take;
      Push(std::string(buf, take));
      if (cut) {
        cuts_->fetch_add(1);
        break;
      }
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

  void Push(std::string data, bool eof = false) {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back({Clock::now() + delay_, std::move(data), eof});
    cv_.notify_one();
  }

  void WriteLoop() {
    for (;;) {
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
        if (w <= 0) break;
        off += static_cast<size_t>(w);
      }
    }
    // Both ends go down together: a cut is a dropped connection, not a
    // half-close the client could mistake for an orderly end.
    shutdown(to_, SHUT_RDWR);
    shutdown(from_, SHUT_RDWR);
  }

  int from_, to_;
  std::chrono::milliseconds delay_;
  uint64_t cut_after_;
  std::atomic<int>* cuts_;
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
  uint64_t cut = index < options_.cut_connections ? options_.cut_after_bytes : 0;
  DelayedPipe down(server, client, options_.delay, cut, &cuts_);
  DelayedPipe up(client, server, options_.delay, 0, &cuts_);
  std::thread up_thread([&] { up.Run(); });
  down.Run();
  up_thread.join();
}

}  // namespace mailhoard::testing
