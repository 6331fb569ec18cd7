// SocketTransport: a TCP connection, optionally upgraded to TLS in place.
//
// The descriptor is non-blocking; every read, write and handshake step waits
// with poll() for at most io_timeout, so a silent server can never hang a
// sync run. Nor can a trickling one: after each Write (a request) and after
// every kTrickleBytes received, reads get io_timeout of waiting in all for
// the next kTrickleBytes (fd_wait.h); a reply that is complete sooner,
// however long the server thought first, is never cut. Writes use
// MSG_NOSIGNAL (also under TLS, through our own BIO), so a peer that resets
// the connection yields an error, not SIGPIPE.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "engine/net/transport.h"

namespace mailhoard::net {

class TlsSession;

class SocketTransport : public Transport {
 public:
  // Resolves `endpoint` (IPv6 and IPv4) and tries each address in turn, each
  // attempt bounded by connect_timeout. Errors name host:port and the step:
  // "connecting to 127.0.0.1:993: Connection refused".
  static Result<std::unique_ptr<SocketTransport>> Connect(const Endpoint& endpoint,
                                                          std::chrono::milliseconds connect_timeout,
                                                          std::chrono::milliseconds io_timeout);

  // Takes ownership of a connected stream socket (a socketpair end in tests,
  // an inherited descriptor). `endpoint` is used for messages and as the
  // default TLS server name.
  static std::unique_ptr<SocketTransport> Adopt(int fd, Endpoint endpoint,
                                                std::chrono::milliseconds io_timeout);

  ~SocketTransport() override;
  SocketTransport(const SocketTransport&) = delete;
  SocketTransport& operator=(const SocketTransport&) = delete;

  Result<size_t> Read(char* buf, size_t len) override;
  Status Write(std::string_view data) override;
  // TLS handshake over the existing connection. The caller must have read
  // the server's go-ahead (IMAP "OK", POP3 "+OK") and nothing after it.
  Status StartTls(const TlsOptions& options) override;
  bool IsTls() const override;
  void Close() override;
  std::string Describe() const override;
  bool PeerIsLocal() const override;

  int fd() const { return fd_; }
  std::chrono::milliseconds io_timeout() const { return io_timeout_; }
  void set_io_timeout(std::chrono::milliseconds t) {
    io_timeout_ = t;
    RenewReadBudget();
  }
  // The TLS session after StartTls() (protocol, cipher, peer fingerprint).
  const TlsSession* tls() const { return tls_.get(); }

 private:
  SocketTransport(int fd, Endpoint endpoint, std::chrono::milliseconds io_timeout);
  Result<size_t> RawRead(char* buf, size_t len);
  Status RawWrite(std::string_view data);
  Status Closed() const;
  void RenewReadBudget() {
    read_budget_ = io_timeout_;
    budget_bytes_ = 0;
  }

  int fd_ = -1;
  Endpoint endpoint_;
  std::chrono::milliseconds io_timeout_;
  std::chrono::milliseconds read_budget_;  // waiting the reads may still do
  size_t budget_bytes_ = 0;                // received since the budget was renewed
  std::unique_ptr<TlsSession> tls_;
};

}  // namespace mailhoard::net
