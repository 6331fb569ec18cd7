#include "tests/support/tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <thread>

namespace mailhoard::testing {
namespace {

// A server that sends `payload` to each client, then echoes one line.
struct Server {
  int fd;
  uint16_t port;
  std::thread thread;
  explicit Server(std::string payload) {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd, 4);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    thread = std::thread([this, payload] {
      int c = accept(fd, nullptr, nullptr);
      if (c < 0) return;
      send(c, payload.data(), payload.size(), MSG_NOSIGNAL);
      char buf[16];
      ssize_t n = read(c, buf, sizeof buf);
      if (n > 0) send(c, buf, static_cast<size_t>(n), MSG_NOSIGNAL);
      close(c);
    });
  }
  ~Server() {
    shutdown(fd, SHUT_RDWR);
    thread.join();
    close(fd);
  }
};

std::string ReadAll(int fd) {
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

int Dial(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

TEST_CASE("TcpProxy delays each direction") {
  Server server("hello\n");
  TcpProxy proxy(server.port, ProxyOptions{std::chrono::milliseconds(50)});
  auto start = std::chrono::steady_clock::now();
  int fd = Dial(proxy.port());
  write(fd, "x", 1);
  std::string got = ReadAll(fd);
  auto elapsed = std::chrono::steady_clock::now() - start;
  close(fd);
  CHECK(got == "hello\nx");
  // "x" went up and came back: at least two one-way delays.
  CHECK(elapsed >= std::chrono::milliseconds(100));
}

TEST_CASE("TcpProxy cuts the connection after N server bytes") {
  std::string payload(100000, 'm');
  Server server(payload);
  ProxyOptions options;
  options.cut_after_bytes = 1000;
  TcpProxy proxy(server.port, options);
  int fd = Dial(proxy.port());
  std::string got = ReadAll(fd);
  close(fd);
  CHECK(got.size() == 1000);
  CHECK(proxy.cuts() == 1);
}

TEST_CASE("TcpProxy cuts after N client bytes and records both directions") {
  Server server("hello\n");
  ProxyOptions options;
  options.cut_after_bytes = 3;
  options.direction = ProxyDirection::kClientToServer;
  options.record = true;
  TcpProxy proxy(server.port, options);
  int fd = Dial(proxy.port());
  REQUIRE(write(fd, "abcdef", 6) == 6);
  std::string got = ReadAll(fd);
  close(fd);
  CHECK(proxy.cuts() == 1);
  // The server echoes at most what got through: "abc".
  CHECK(got.find("def") == std::string::npos);
  std::vector<ProxyRecord> records = proxy.Records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].up == "abc");
  CHECK(records[0].faulted);
  // How much of the greeting and the echo got down before the cut is a race;
  // what did is recorded.
  CHECK(std::string("hello\nabc").rfind(records[0].down, 0) == 0);
}

TEST_CASE("TcpProxy stalls after N server bytes and lets go when the client does") {
  std::string payload(100000, 'm');
  Server server(payload);
  ProxyOptions options;
  options.cut_after_bytes = 500;
  options.fault = ProxyFault::kStall;
  TcpProxy proxy(server.port, options);
  int fd = Dial(proxy.port());
  std::string got;
  char buf[4096];
  while (got.size() < 500) {
    ssize_t n = read(fd, buf, sizeof buf);
    REQUIRE(n > 0);
    got.append(buf, static_cast<size_t>(n));
  }
  CHECK(got.size() == 500);
  // Nothing more arrives while the connection stays open.
  pollfd p{fd, POLLIN, 0};
  CHECK(poll(&p, 1, 300) == 0);
  close(fd);
  CHECK(proxy.cuts() == 1);
}

TEST_CASE("TcpProxy trickles one byte per interval after N server bytes") {
  Server server("0123456789");
  ProxyOptions options;
  options.cut_after_bytes = 4;
  options.fault = ProxyFault::kTrickle;
  options.trickle_interval = std::chrono::milliseconds(100);
  TcpProxy proxy(server.port, options);
  auto start = std::chrono::steady_clock::now();
  int fd = Dial(proxy.port());
  std::string got;
  char buf[16];
  while (got.size() < 7) {
    ssize_t n = read(fd, buf, sizeof buf);
    REQUIRE(n > 0);
    got.append(buf, static_cast<size_t>(n));
  }
  auto elapsed = std::chrono::steady_clock::now() - start;
  close(fd);
  CHECK(got.substr(0, 7) == "0123456");
  CHECK(elapsed >= std::chrono::milliseconds(300));  // three bytes, one interval each
}

}  // namespace
}  // namespace mailhoard::testing
