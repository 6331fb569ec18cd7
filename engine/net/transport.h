// Transport: a byte stream to a server (plain TCP, TLS, or a scripted fake).
//
// Protocol code (IMAP, POP3, SMTP) talks only to this interface, so it can be
// tested against the real Dovecot and against an in-process fake alike.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mailhoard::net {

enum class TlsMode {
  kNone,      // plaintext; only with explicit opt-in
  kImplicit,  // TLS from the first byte (IMAPS 993, POP3S 995)
  kStartTls,  // plaintext greeting, then an in-place upgrade (STARTTLS / STLS)
};

struct TlsOptions {
  // Chain and host name verification. Turning it off is loud by design: the
  // config key is `tls_verify = false`, and a pinned fingerprint is preferred.
  bool verify = true;
  std::string ca_file;  // PEM bundle; empty means the system store
  // "sha256:AB:CD:…" (or bare hex): when set, the leaf certificate must match
  // it, and chain verification is not required (self-signed servers).
  std::string fingerprint;
  // Name sent as SNI and checked against the certificate; defaults to the
  // host connected to.
  std::string server_name;
};

struct Endpoint {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const;  // "host:port", IPv6 in brackets
};

struct ConnectOptions {
  TlsMode tls = TlsMode::kImplicit;
  TlsOptions tls_options;
  std::chrono::milliseconds connect_timeout{15'000};
  // Any single read or write that makes no progress for this long fails.
  std::chrono::milliseconds io_timeout{60'000};
};

class Transport {
 public:
  virtual ~Transport() = default;

  // Reads at most `len` bytes, blocking until at least one is available.
  // Returns 0 at an orderly end of stream.
  virtual Result<size_t> Read(char* buf, size_t len) = 0;
  // Writes all of `data`.
  virtual Status Write(std::string_view data) = 0;
  // Upgrades the connection in place (after STARTTLS / STLS was accepted).
  virtual Status StartTls(const TlsOptions& options) = 0;
  virtual bool IsTls() const = 0;
  virtual void Close() = 0;
  // "imap.example.com:993", for error messages.
  virtual std::string Describe() const = 0;
  // The peer is on this host or a private network (peer_locality.h).
  virtual bool PeerIsLocal() const { return false; }
};

// Opens a TCP connection and, for TlsMode::kImplicit, performs the TLS
// handshake. For kStartTls the caller drives the upgrade with StartTls().
Result<std::unique_ptr<Transport>> Connect(const Endpoint& endpoint, const ConnectOptions& options);

}  // namespace mailhoard::net
