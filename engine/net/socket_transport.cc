#include "engine/net/socket_transport.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>

#include "engine/net/fd_wait.h"
#include "engine/net/peer_locality.h"
#include "engine/net/tls_session.h"

namespace mailhoard::net {
namespace {

std::string AddressString(const sockaddr* sa, socklen_t len) {
  char host[NI_MAXHOST];
  char port[NI_MAXSERV];
  if (getnameinfo(sa, len, host, sizeof host, port, sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) !=
      0) {
    return "?";
  }
  Endpoint e{host, static_cast<uint16_t>(std::stoi(port))};
  return e.ToString();
}

// One attempt: non-blocking connect, then poll for writability; SO_ERROR
// tells how the handshake ended.
Result<int> ConnectOne(const addrinfo* ai, std::chrono::milliseconds timeout,
                       const std::string& what) {
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) return NetworkError(what + ": socket: " + ErrnoString(errno));
  int rc;
  do {
    rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0 && errno != EINPROGRESS) {
    int err = errno;
    close(fd);
    return NetworkError(what + ": " + ErrnoString(err));
  }
  if (rc != 0) {
    Status s = WaitForFd(fd, POLLOUT, timeout, what);
    if (!s.ok()) {
      close(fd);
      return s;
    }
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) {
      close(fd);
      return NetworkError(what + ": " + ErrnoString(err));
    }
  }
  // Commands are small and latency-bound (one per round trip); Nagle would
  // hold a pipelined command back waiting for the previous ACK.
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace

Result<std::unique_ptr<SocketTransport>> SocketTransport::Connect(
    const Endpoint& endpoint, std::chrono::milliseconds connect_timeout,
    std::chrono::milliseconds io_timeout) {
  const std::string target = endpoint.ToString();
  std::string host = endpoint.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  // No AI_ADDRCONFIG: it hides 127.0.0.1/::1 on hosts whose only interface
  // is loopback, which is exactly where the tests run.
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(endpoint.port);
  int gai = getaddrinfo(host.c_str(), port.c_str(), &hints, &res);
  if (gai != 0) {
    std::string msg = "resolving " + target + ": " +
                      (gai == EAI_SYSTEM ? ErrnoString(errno) : std::string(gai_strerror(gai)));
    // A name that does not exist is a configuration error; anything else
    // (EAI_AGAIN, no network yet) may heal by itself.
    if (gai == EAI_NONAME) {
      return Status::Error(ErrorCode::kNetwork, "resolving " + target + ": no such host (" +
                                                    gai_strerror(gai) +
                                                    "): check the host name in the config");
    }
    return NetworkError(msg);
  }
  Status last = NetworkError("connecting to " + target + ": no addresses");
  for (const addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    std::string addr = AddressString(ai->ai_addr, ai->ai_addrlen);
    std::string what = "connecting to " + target;
    if (addr != target) what += " (" + addr + ")";
    Result<int> fd = ConnectOne(ai, connect_timeout, what);
    if (fd.ok()) {
      freeaddrinfo(res);
      return std::unique_ptr<SocketTransport>(new SocketTransport(*fd, endpoint, io_timeout));
    }
    last = fd.status();
  }
  freeaddrinfo(res);
  return last;
}

std::unique_ptr<SocketTransport> SocketTransport::Adopt(int fd, Endpoint endpoint,
                                                        std::chrono::milliseconds io_timeout) {
  int flags = fcntl(fd, F_GETFL, 0);
  if (flags >= 0) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  return std::unique_ptr<SocketTransport>(new SocketTransport(fd, std::move(endpoint), io_timeout));
}

SocketTransport::SocketTransport(int fd, Endpoint endpoint, std::chrono::milliseconds io_timeout)
    : fd_(fd), endpoint_(std::move(endpoint)), io_timeout_(io_timeout), read_budget_(io_timeout) {}

SocketTransport::~SocketTransport() { Close(); }

Status SocketTransport::Closed() const {
  return NetworkError("connection to " + endpoint_.ToString() + " is closed");
}

Result<size_t> SocketTransport::Read(char* buf, size_t len) {
  if (fd_ < 0) return Closed();
  if (len == 0) return InvalidArgument("Read into an empty buffer would look like EOF");
  Result<size_t> n = tls_ ? tls_->Read(buf, len, io_timeout_, &read_budget_) : RawRead(buf, len);
  if (n.ok()) {
    budget_bytes_ += *n;
    if (budget_bytes_ >= kTrickleBytes) RenewReadBudget();
  }
  return n;
}

Status SocketTransport::Write(std::string_view data) {
  if (fd_ < 0) return Closed();
  RenewReadBudget();  // a new request: its answer gets a budget of its own
  if (tls_) return tls_->Write(data, io_timeout_);
  return RawWrite(data);
}

Result<size_t> SocketTransport::RawRead(char* buf, size_t len) {
  const std::string what = "reading from " + endpoint_.ToString();
  for (;;) {
    ssize_t n = recv(fd_, buf, len, 0);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      return NetworkError(what + ": " + ErrnoString(errno));
    MH_RETURN_IF_ERROR(WaitForFdWithin(fd_, POLLIN, io_timeout_, &read_budget_, what));
  }
}

Status SocketTransport::RawWrite(std::string_view data) {
  const std::string what = "writing to " + endpoint_.ToString();
  while (!data.empty()) {
    ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      return NetworkError(what + ": " + ErrnoString(errno));
    }
    // The timeout restarts after every partial write: it bounds a stall,
    // not the duration of a large upload.
    MH_RETURN_IF_ERROR(WaitForFd(fd_, POLLOUT, io_timeout_, what));
  }
  return Status::Ok();
}

Status SocketTransport::StartTls(const TlsOptions& options) {
  if (fd_ < 0) return Closed();
  if (tls_) return InvalidArgument("StartTls on " + endpoint_.ToString() + ": already TLS");
  auto session =
      TlsSession::Handshake(fd_, options, endpoint_.host, endpoint_.ToString(), io_timeout_);
  if (!session.ok()) {
    // Half a handshake leaves the byte stream in an unknown state: neither
    // plaintext nor TLS may follow, so the connection is closed.
    Close();
    return session.status();
  }
  tls_ = std::move(*session);
  return Status::Ok();
}

bool SocketTransport::IsTls() const { return tls_ != nullptr; }

void SocketTransport::Close() {
  if (fd_ < 0) return;
  if (tls_) tls_->Shutdown();
  tls_.reset();
  close(fd_);
  fd_ = -1;
}

std::string SocketTransport::Describe() const { return endpoint_.ToString(); }

bool SocketTransport::PeerIsLocal() const { return fd_ >= 0 && net::PeerIsLocal(fd_); }

}  // namespace mailhoard::net
