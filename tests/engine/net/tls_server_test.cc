// TLS edge cases against an in-process OpenSSL server (using the test run's
// CA and server certificate): SNI, protocol floor, close_notify vs. bare EOF,
// bulk transfer with partial writes, TLS 1.3 key updates.
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "engine/net/socket_transport.h"
#include "tests/engine/net/loopback.h"
#include "tests/support/dovecot_server.h"

namespace mailhoard::net {
namespace {

using namespace std::chrono_literals;
using mailhoard::testing::DovecotServer;

// A blocking TLS server on one end of a socket pair, running `body` after a
// successful handshake, then closing the socket (without close_notify unless
// the body sends one).
class TlsTestServer {
 public:
  explicit TlsTestServer(std::function<void(SSL*)> body,
                         std::function<void(SSL_CTX*)> configure = {}) {
    auto [client, server] = testing::SocketPair();
    client_fd_ = client;
    const std::string dir = DovecotServer::Shared().dir();
    thread_ = std::thread(
        [this, server = server, dir, body = std::move(body), configure = std::move(configure)] {
          SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
          SSL_CTX_use_certificate_file(ctx, (dir + "/server.crt").c_str(), SSL_FILETYPE_PEM);
          SSL_CTX_use_PrivateKey_file(ctx, (dir + "/server.key").c_str(), SSL_FILETYPE_PEM);
          if (configure) configure(ctx);
          SSL* ssl = SSL_new(ctx);
          SSL_set_fd(ssl, server);
          if (SSL_accept(ssl) == 1) {
            const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
            sni_ = name ? name : "(none)";
            body(ssl);
          } else {
            sni_ = "(handshake failed)";
          }
          SSL_free(ssl);
          SSL_CTX_free(ctx);
          ERR_clear_error();
          close(server);
        });
  }
  ~TlsTestServer() { Join(); }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }
  int client_fd() const { return client_fd_; }
  const std::string& sni() const { return sni_; }

 private:
  int client_fd_ = -1;
  std::string sni_;
  std::thread thread_;
};

TlsOptions WithCa() {
  TlsOptions t;
  t.ca_file = DovecotServer::Shared().ca_file();
  return t;
}

bool Has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

std::string ReadAll(Transport& t) {
  std::string out;
  char buf[4096];
  for (;;) {
    auto r = t.Read(buf, sizeof buf);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    if (*r == 0) return out;
    out.append(buf, *r);
  }
}

TEST_CASE("SNI carries the host name, never an IP literal") {
  {
    TlsTestServer server([](SSL* ssl) { SSL_shutdown(ssl); });
    auto t = SocketTransport::Adopt(server.client_fd(), {"localhost", 993}, 5s);
    REQUIRE(t->StartTls(WithCa()).ok());
    t->Close();
    server.Join();
    CHECK(server.sni() == "localhost");
  }
  {
    TlsTestServer server([](SSL* ssl) { SSL_shutdown(ssl); });
    auto t = SocketTransport::Adopt(server.client_fd(), {"127.0.0.1", 993}, 5s);
    REQUIRE(t->StartTls(WithCa()).ok());  // verified against IP:127.0.0.1
    t->Close();
    server.Join();
    CHECK(server.sni() == "(none)");
  }
}

TEST_CASE("A server limited to TLS 1.1 is refused") {
  TlsTestServer server([](SSL*) {},
                       [](SSL_CTX* ctx) {
                         SSL_CTX_set_security_level(ctx, 0);
                         SSL_CTX_set_min_proto_version(ctx, TLS1_1_VERSION);
                         SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
                       });
  auto t = SocketTransport::Adopt(server.client_fd(), {"localhost", 993}, 5s);
  Status s = t->StartTls(WithCa());
  server.Join();
  INFO(s.ToString());
  CHECK(s.code() == ErrorCode::kTls);
  CHECK(Has(s.message(), "TLS 1.0 or 1.1"));
  CHECK(server.sni() == "(handshake failed)");
}

// The SHA-256 fingerprint of a PEM certificate file, "AB:CD:…".
std::string FileFingerprint(const std::string& pem_path) {
  FILE* f = fopen(pem_path.c_str(), "r");
  REQUIRE(f);
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  fclose(f);
  REQUIRE(cert);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert, EVP_sha256(), md, &len);
  X509_free(cert);
  std::string out;
  char hex[4];
  for (unsigned i = 0; i < len; ++i) {
    snprintf(hex, sizeof hex, i ? ":%02X" : "%02X", md[i]);
    out += hex;
  }
  return out;
}

// Writes a self-signed certificate for "localhost", valid from `from_days`
// to `until_days` from now, and its key, as PEM files.
void WriteSelfSigned(long from_days, long until_days, const std::string& cert_path,
                     const std::string& key_path) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 7);
  X509_gmtime_adj(X509_getm_notBefore(cert), from_days * 86400);
  X509_gmtime_adj(X509_getm_notAfter(cert), until_days * 86400);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_set_pubkey(cert, key);
  X509_sign(cert, key, EVP_sha256());
  FILE* f = fopen(cert_path.c_str(), "w");
  PEM_write_X509(f, cert);
  fclose(f);
  f = fopen(key_path.c_str(), "w");
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  fclose(f);
  X509_free(cert);
  EVP_PKEY_free(key);
}

TEST_CASE("An untrusted certificate is refused with its fingerprint and the keys to fix it") {
  TlsTestServer server([](SSL*) {});
  auto t = SocketTransport::Adopt(server.client_fd(), {"localhost", 993}, 5s);
  Status s = t->StartTls({});  // the system's CAs: the test CA is not among them
  server.Join();
  INFO(s.ToString());
  CHECK(s.code() == ErrorCode::kTls);
  CHECK_FALSE(s.transient());
  CHECK(Has(s.message(), "not signed by a CA this machine trusts"));
  CHECK(Has(s.message(), "tls_ca_file"));
  const std::string fp = FileFingerprint(DovecotServer::Shared().dir() + "/server.crt");
  CHECK(Has(s.message(), "tls_fingerprint = \"sha256:" + fp + "\""));
}

TEST_CASE("A certificate for another name is refused naming the host") {
  TlsTestServer server([](SSL*) {});
  auto t = SocketTransport::Adopt(server.client_fd(), {"wrong.example", 993}, 5s);
  Status s = t->StartTls(WithCa());
  server.Join();
  INFO(s.ToString());
  CHECK(s.code() == ErrorCode::kTls);
  CHECK(Has(s.message(), "not issued for \"wrong.example\""));
}

TEST_CASE("Expired and not-yet-valid certificates are refused with their cause") {
  const std::string base = DovecotServer::Shared().dir() + "/dated-" + std::to_string(getpid());
  const std::string pem = base + ".crt", key = base + ".key";
  struct Case {
    long from, until;
    const char* says;
  };
  for (const Case c : {Case{-10, -1, "has expired"}, Case{2, 10, "not valid yet"}}) {
    WriteSelfSigned(c.from, c.until, pem, key);
    TlsTestServer server([](SSL*) {},
                         [&](SSL_CTX* ctx) {
                           SSL_CTX_use_certificate_file(ctx, pem.c_str(), SSL_FILETYPE_PEM);
                           SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM);
                         });
    auto t = SocketTransport::Adopt(server.client_fd(), {"localhost", 993}, 5s);
    TlsOptions o;
    o.ca_file = pem;
    Status s = t->StartTls(o);
    server.Join();
    INFO(s.ToString());
    CHECK(s.code() == ErrorCode::kTls);
    CHECK(Has(s.message(), c.says));
  }
  unlink(pem.c_str());
  unlink(key.c_str());
}

TEST_CASE("close_notify and a bare EOF both end the stream after the data") {
  for (bool notify : {true, false}) {
    INFO("close_notify " << notify);
    TlsTestServer server([notify](SSL* ssl) {
      SSL_write(ssl, "* BYE done\r\n", 12);
      if (notify) SSL_shutdown(ssl);
    });
    auto t = SocketTransport::Adopt(server.client_fd(), {"localhost", 993}, 5s);
    REQUIRE(t->StartTls(WithCa()).ok());
    CHECK(ReadAll(*t) == "* BYE done\r\n");
    server.Join();
  }
}

TEST_CASE("Megabytes both ways through TLS with partial writes and key updates") {
  const size_t kSize = 3 << 20;
  std::string upload(kSize, '\0');
  for (size_t i = 0; i < kSize; ++i) upload[i] = static_cast<char>(i * 7 + i / 4096);
  std::string server_got;
  TlsTestServer server([&](SSL* ssl) {
    std::string buf(65536, '\0');
    while (server_got.size() < kSize) {
      int n = SSL_read(ssl, buf.data(), static_cast<int>(buf.size()));
      if (n <= 0) return;
      server_got.append(buf.data(), static_cast<size_t>(n));
    }
    // TLS 1.3 key update mid-stream: the client must answer it while reading.
    SSL_key_update(ssl, SSL_KEY_UPDATE_REQUESTED);
    size_t off = 0;
    while (off < kSize) {
      int n = SSL_write(ssl, upload.data() + off,
                        static_cast<int>(std::min<size_t>(kSize - off, 100'000)));
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
    SSL_shutdown(ssl);
  });
  auto t = SocketTransport::Adopt(server.client_fd(), {"localhost", 993}, 10s);
  REQUIRE(t->StartTls(WithCa()).ok());
  REQUIRE(t->Write(upload).ok());  // far beyond the socket buffers: WANT_WRITE loops
  std::string echoed = ReadAll(*t);
  server.Join();
  CHECK(server_got.size() == kSize);
  CHECK(server_got == upload);
  CHECK(echoed.size() == kSize);
  CHECK(echoed == upload);
}

}  // namespace
}  // namespace mailhoard::net
