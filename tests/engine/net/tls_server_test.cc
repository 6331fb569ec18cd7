// TLS edge cases against an in-process OpenSSL server (using the test run's
// CA and server certificate): SNI, protocol floor, close_notify vs. bare EOF,
// bulk transfer with partial writes, TLS 1.3 key updates.
#include <openssl/err.h>
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
  CHECK(server.sni() == "(handshake failed)");
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
