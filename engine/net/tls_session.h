// TlsSession: the client side of TLS over a connected non-blocking socket.
//
// Used by SocketTransport for implicit TLS and for the in-place STARTTLS/STLS
// upgrade. OpenSSL stays inside tls_session.cc. Verification is on by default:
// chain (system store or TlsOptions::ca_file) plus host name (RFC 6125; an IP
// literal is matched against iPAddress SANs). A pinned SHA-256 fingerprint
// replaces chain verification; verify=false disables both (loud opt-out).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "engine/net/transport.h"

namespace mailhoard::net {

class TlsSession {
 public:
  // Runs the handshake on `fd` (connected, non-blocking; not owned).
  // `server_name` is the SNI / verified name; `describe` is "host:port" for
  // messages. Each handshake step may take up to io_timeout, and the whole
  // handshake io_timeout of waiting (a trickling server ends there too).
  static Result<std::unique_ptr<TlsSession>> Handshake(int fd, const TlsOptions& options,
                                                       const std::string& server_name,
                                                       const std::string& describe,
                                                       std::chrono::milliseconds io_timeout);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // As Transport::Read / Write; a close_notify from the server reads as 0.
  // Read's waits also spend from *read_budget when given (fd_wait.h).
  Result<size_t> Read(char* buf, size_t len, std::chrono::milliseconds io_timeout,
                      std::chrono::milliseconds* read_budget = nullptr);
  Status Write(std::string_view data, std::chrono::milliseconds io_timeout);
  // Sends close_notify without waiting for the peer's (RFC 8446 §6.1 allows
  // closing the read side at once). Skipped after a fatal error.
  void Shutdown();

  std::string protocol() const;          // "TLSv1.3"
  std::string cipher() const;            // "TLS_AES_256_GCM_SHA384"
  std::string peer_fingerprint() const;  // "AB:CD:…" SHA-256 of the leaf's DER

 private:
  struct Impl;
  explicit TlsSession(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mailhoard::net
