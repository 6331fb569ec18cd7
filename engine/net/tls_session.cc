#include "engine/net/tls_session.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "engine/net/fd_wait.h"
#include "engine/net/fingerprint.h"
#include "engine/net/tls_failure.h"

namespace mailhoard::net {
namespace {

// How much of what the server sent first is kept for a failed handshake's
// diagnosis: enough for a plaintext greeting's first line.
constexpr size_t kHeadBytes = 80;

// OpenSSL's socket BIO writes with write(2), which raises SIGPIPE when the
// server has reset the connection. This BIO uses send(MSG_NOSIGNAL) instead,
// and remembers errno so errors can say "Connection reset by peer".
struct FdBio {
  int fd = -1;
  // Kept apart: after a bare EOF OpenSSL tries to send an alert, which fails
  // with EPIPE; that must not hide the EOF that caused it.
  int read_errno = 0;
  int write_errno = 0;
  bool eof = false;
  // The first bytes the server sent, to recognise a plaintext greeting when
  // a handshake fails.
  std::string head;
};

int BioWrite(BIO* b, const char* data, int len) {
  BIO_clear_retry_flags(b);
  auto* s = static_cast<FdBio*>(BIO_get_data(b));
  for (;;) {
    ssize_t n = send(s->fd, data, static_cast<size_t>(len), MSG_NOSIGNAL);
    if (n >= 0) return static_cast<int>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      BIO_set_retry_write(b);
    } else {
      s->write_errno = errno;
    }
    return -1;
  }
}

int BioRead(BIO* b, char* out, int len) {
  BIO_clear_retry_flags(b);
  auto* s = static_cast<FdBio*>(BIO_get_data(b));
  for (;;) {
    ssize_t n = recv(s->fd, out, static_cast<size_t>(len), 0);
    if (n > 0) {
      if (s->head.size() < kHeadBytes) {
        s->head.append(out, std::min(static_cast<size_t>(n), kHeadBytes - s->head.size()));
      }
      return static_cast<int>(n);
    }
    if (n == 0) {
      s->eof = true;
      return 0;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      BIO_set_retry_read(b);
    } else {
      s->read_errno = errno;
    }
    return -1;
  }
}

long BioCtrl(BIO* b, int cmd, long, void*) {
  switch (cmd) {
    case BIO_CTRL_FLUSH:
      return 1;  // nothing is buffered here
    case BIO_CTRL_EOF:
      return static_cast<FdBio*>(BIO_get_data(b))->eof ? 1 : 0;
    default:
      return 0;
  }
}

const BIO_METHOD* FdBioMethod() {
  // Immutable after first use; thread-safe static initialisation.
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "mailhoard-fd");
    BIO_meth_set_write(m, BioWrite);
    BIO_meth_set_read(m, BioRead);
    BIO_meth_set_ctrl(m, BioCtrl);
    return m;
  }();
  return method;
}

struct CtxDeleter {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslDeleter {
  void operator()(SSL* s) const { SSL_free(s); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};

bool IsIpLiteral(const std::string& name) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

// The first reason on OpenSSL's (thread-local) error queue, then clears it.
std::string DrainErrorQueue() {
  std::string reason;
  while (unsigned long e = ERR_get_error()) {
    if (!reason.empty()) continue;
    const char* r = ERR_reason_error_string(e);
    if (r) {
      reason = r;
    } else {
      char buf[256];
      ERR_error_string_n(e, buf, sizeof buf);
      reason = buf;
    }
  }
  return reason;
}

HandshakeFailure::Cause CauseOfVerifyError(long vr) {
  using Cause = HandshakeFailure::Cause;
  switch (vr) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return Cause::kExpired;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return Cause::kNotYetValid;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return Cause::kWrongHost;
    default:
      return Cause::kUntrusted;
  }
}

bool IsOldProtocolReason(const std::string& reason) {
  return reason == "unsupported protocol" || reason == "tlsv1 alert protocol version" ||
         reason == "no protocols available";
}

std::string ServerName(const TlsOptions& options, const std::string& fallback) {
  std::string name = options.server_name.empty() ? fallback : options.server_name;
  if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
    name = name.substr(1, name.size() - 2);
  }
  return name;
}

}  // namespace

struct TlsSession::Impl {
  FdBio bio;  // declared first: the BIO inside ssl points here until SSL_free
  std::unique_ptr<SSL_CTX, CtxDeleter> ctx;
  std::unique_ptr<SSL, SslDeleter> ssl;
  std::string describe;
  std::string host;    // the name the certificate is checked against
  bool fatal = false;  // after SSL_ERROR_SSL/SYSCALL, SSL_shutdown must not be called

  // Turns a failed SSL_* call into a Status naming `what` and the reason.
  Status Failure(int rc, const std::string& what, bool handshake, bool writing) {
    int err = SSL_get_error(ssl.get(), rc);
    if (err == SSL_ERROR_ZERO_RETURN) {
      return NetworkError(what + ": server closed the TLS session");
    }
    fatal = true;
    std::string reason = DrainErrorQueue();
    if (err == SSL_ERROR_SYSCALL || reason == "unexpected eof while reading") {
      if (writing && bio.write_errno != 0) {
        return NetworkError(what + ": " + ErrnoString(bio.write_errno));
      }
      if (bio.read_errno != 0) return NetworkError(what + ": " + ErrnoString(bio.read_errno));
      if (bio.eof) return NetworkError(what + ": connection closed by server");
      if (bio.write_errno != 0) return NetworkError(what + ": " + ErrnoString(bio.write_errno));
      return NetworkError(what + ": connection closed by server");
    }
    if (reason.empty()) reason = "TLS error " + std::to_string(err);
    // A failed handshake (bad certificate, no common protocol, not a TLS
    // server at all) will fail again the same way; a broken record in an
    // established session is more likely the network.
    if (handshake) return TlsError(what + ": " + ExplainHandshakeFailure(Diagnose(reason)));
    return TlsError(what + ": " + reason).WithRetry(RetryClass::kTransient);
  }

  HandshakeFailure Diagnose(const std::string& reason) {
    HandshakeFailure f;
    f.detail = reason;
    f.host = host;
    long vr = SSL_get_verify_result(ssl.get());
    if (vr != X509_V_OK) {
      f.cause = CauseOfVerifyError(vr);
      f.detail = X509_verify_cert_error_string(vr);
      f.fingerprint = LeafFingerprint();
    } else if (std::string greeting = PlaintextGreeting(ReadRestOfHead()); !greeting.empty()) {
      f.cause = HandshakeFailure::Cause::kPlaintext;
      f.greeting = greeting;
    } else if (IsOldProtocolReason(reason)) {
      f.cause = HandshakeFailure::Cause::kOldProtocol;
    }
    return f;
  }

  // OpenSSL stops reading after the 5 bytes of what it took for a record
  // header; the rest of a plaintext greeting is usually already here.
  const std::string& ReadRestOfHead() {
    char buf[kHeadBytes];
    if (bio.head.size() < kHeadBytes) {
      ssize_t n = recv(bio.fd, buf, kHeadBytes - bio.head.size(), MSG_DONTWAIT);
      if (n > 0) bio.head.append(buf, static_cast<size_t>(n));
    }
    return bio.head;
  }

  // The leaf of the chain the server sent, also when verification refused it
  // (SSL_get0_peer_certificate is only set after a successful verification).
  std::string LeafFingerprint() const {
    STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl.get());
    if (!chain || sk_X509_num(chain) == 0) return "";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (X509_digest(sk_X509_value(chain, 0), EVP_sha256(), md, &len) != 1) return "";
    return FormatFingerprint(md, len);
  }

  // After WANT_READ / WANT_WRITE: poll for what OpenSSL asked for.
  Status Wait(int rc, const std::string& what, std::chrono::milliseconds timeout, bool handshake,
              bool writing, bool* retry, std::chrono::milliseconds* budget = nullptr) {
    int err = SSL_get_error(ssl.get(), rc);
    *retry = true;
    if (err == SSL_ERROR_WANT_READ) return WaitForFdWithin(bio.fd, POLLIN, timeout, budget, what);
    if (err == SSL_ERROR_WANT_WRITE) return WaitForFdWithin(bio.fd, POLLOUT, timeout, budget, what);
    *retry = false;
    return Failure(rc, what, handshake, writing);
  }
};

TlsSession::TlsSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsSession::~TlsSession() = default;

Result<std::unique_ptr<TlsSession>> TlsSession::Handshake(int fd, const TlsOptions& options,
                                                          const std::string& server_name,
                                                          const std::string& describe,
                                                          std::chrono::milliseconds io_timeout) {
  const std::string name = ServerName(options, server_name);
  std::string what = "TLS handshake with " + describe;
  if (name != server_name) what += " (server name " + name + ")";

  Sha256Digest pin{};
  const bool pinned = !options.fingerprint.empty();
  if (pinned) {
    auto parsed = ParseSha256Fingerprint(options.fingerprint);
    if (!parsed.ok()) return parsed.status();
    pin = *parsed;
  }
  const bool verify_chain = options.verify && !pinned;

  auto impl = std::make_unique<Impl>();
  impl->describe = describe;
  impl->host = name;
  ERR_clear_error();
  impl->ctx.reset(SSL_CTX_new(TLS_client_method()));
  if (!impl->ctx) return TlsError(what + ": SSL_CTX_new: " + DrainErrorQueue());
  SSL_CTX* ctx = impl->ctx.get();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // Partial writes let Write() account for progress after WANT_WRITE; the
  // buffer may move between retries because string_view data is re-sliced.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (verify_chain) {
    int ok = options.ca_file.empty()
                 ? SSL_CTX_set_default_verify_paths(ctx)
                 : SSL_CTX_load_verify_locations(ctx, options.ca_file.c_str(), nullptr);
    if (ok != 1) {
      std::string reason = DrainErrorQueue();
      if (options.ca_file.empty())
        return TlsError(what + ": loading the system CA store: " + reason);
      return InvalidArgument("loading CA file " + options.ca_file + ": " + reason);
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }

  impl->ssl.reset(SSL_new(ctx));
  if (!impl->ssl) return TlsError(what + ": SSL_new: " + DrainErrorQueue());
  SSL* ssl = impl->ssl.get();
  const bool ip = IsIpLiteral(name);
  // RFC 6066 §3: SNI carries host names only, never IP literals.
  if (!ip && !name.empty()) SSL_set_tlsext_host_name(ssl, name.c_str());
  if (verify_chain) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                : X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
    if (ok != 1) return InvalidArgument(what + ": cannot verify against name \"" + name + "\"");
  }
  impl->bio.fd = fd;
  BIO* bio = BIO_new(FdBioMethod());
  if (!bio) return TlsError(what + ": BIO_new: " + DrainErrorQueue());
  BIO_set_data(bio, &impl->bio);
  BIO_set_init(bio, 1);
  SSL_set_bio(ssl, bio, bio);  // one reference, owned by ssl from here

  std::chrono::milliseconds budget = io_timeout;
  for (;;) {
    ERR_clear_error();
    int rc = SSL_connect(ssl);
    if (rc == 1) break;
    bool retry = false;
    MH_RETURN_IF_ERROR(
        impl->Wait(rc, what, io_timeout, /*handshake=*/true, /*writing=*/false, &retry, &budget));
  }

  auto session = std::unique_ptr<TlsSession>(new TlsSession(std::move(impl)));
  if (pinned) {
    std::string got = session->peer_fingerprint();
    std::string want = FormatFingerprint(pin);
    if (got != want) {
      session->Shutdown();
      return TlsError(what + ": certificate fingerprint mismatch: expected sha256:" + want +
                      ", server presented sha256:" + (got.empty() ? "(no certificate)" : got));
    }
  }
  return session;
}

Result<size_t> TlsSession::Read(char* buf, size_t len, std::chrono::milliseconds io_timeout,
                                std::chrono::milliseconds* read_budget) {
  const std::string what = "reading from " + impl_->describe;
  if (impl_->fatal) return NetworkError(what + ": TLS session failed earlier");
  for (;;) {
    ERR_clear_error();
    size_t n = 0;
    int rc = SSL_read_ex(impl_->ssl.get(), buf, len, &n);
    if (rc == 1) return n;
    int err = SSL_get_error(impl_->ssl.get(), rc);
    if (err == SSL_ERROR_ZERO_RETURN) return size_t{0};  // close_notify
    bool retry = false;
    Status s = impl_->Wait(rc, what, io_timeout, /*handshake=*/false, /*writing=*/false, &retry,
                           read_budget);
    if (!s.ok()) {
      // EOF without close_notify: many servers (and middleboxes) skip it.
      // The protocols above are self-delimiting (IMAP tagged responses and
      // literals, POP3's terminating dot), so a truncation is still caught
      // there; report it here as a plain end of stream.
      if (!retry && impl_->bio.eof && impl_->bio.read_errno == 0) return size_t{0};
      return s;
    }
  }
}

Status TlsSession::Write(std::string_view data, std::chrono::milliseconds io_timeout) {
  const std::string what = "writing to " + impl_->describe;
  if (impl_->fatal) return NetworkError(what + ": TLS session failed earlier");
  while (!data.empty()) {
    ERR_clear_error();
    size_t n = 0;
    int rc = SSL_write_ex(impl_->ssl.get(), data.data(), data.size(), &n);
    if (rc == 1) {
      data.remove_prefix(n);
      continue;
    }
    bool retry = false;
    MH_RETURN_IF_ERROR(
        impl_->Wait(rc, what, io_timeout, /*handshake=*/false, /*writing=*/true, &retry));
  }
  return Status::Ok();
}

void TlsSession::Shutdown() {
  if (impl_->fatal || !impl_->ssl) return;
  ERR_clear_error();
  SSL_shutdown(impl_->ssl.get());  // best effort: may be WANT_WRITE, we do not wait
  ERR_clear_error();
  impl_->fatal = true;  // no further I/O on this session
}

std::string TlsSession::protocol() const { return SSL_get_version(impl_->ssl.get()); }

std::string TlsSession::cipher() const {
  const char* c = SSL_get_cipher_name(impl_->ssl.get());
  return c ? c : "";
}

std::string TlsSession::peer_fingerprint() const {
  std::unique_ptr<X509, X509Deleter> cert(SSL_get1_peer_certificate(impl_->ssl.get()));
  if (!cert) return "";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert.get(), EVP_sha256(), md, &len) != 1) return "";
  return FormatFingerprint(md, len);
}

}  // namespace mailhoard::net
