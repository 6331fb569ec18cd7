#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "engine/net/fingerprint.h"
#include "engine/net/socket_transport.h"
#include "tests/engine/net/loopback.h"

namespace mailhoard::net {
namespace {

using namespace std::chrono_literals;

const char kHex[] =
    "3A:1F:00:FF:10:20:30:40:50:60:70:80:90:A0:B0:C0:D0:E0:F0:01:02:03:04:05:06:07:08:09:0A:0B:0C:"
    "0D";

TEST_CASE("Fingerprints parse with or without prefix, colons and case") {
  auto a = ParseSha256Fingerprint(std::string("sha256:") + kHex);
  REQUIRE(a.ok());
  CHECK(FormatFingerprint(*a) == kHex);
  std::string bare;
  for (char c : std::string(kHex)) {
    if (c != ':') bare += static_cast<char>(std::tolower(c));
  }
  auto b = ParseSha256Fingerprint(bare);
  REQUIRE(b.ok());
  CHECK(*b == *a);
  auto c = ParseSha256Fingerprint(std::string("SHA256:") + bare);
  REQUIRE(c.ok());
  CHECK(*c == *a);
  CHECK((*a)[0] == 0x3a);
  CHECK((*a)[31] == 0x0d);
}

TEST_CASE("Malformed or non-SHA-256 fingerprints are rejected with a reason") {
  auto short_one = ParseSha256Fingerprint("AB:CD");
  CHECK(short_one.status().code() == ErrorCode::kInvalidArgument);
  CHECK(short_one.status().message().find("64 hex digits") != std::string::npos);
  auto long_one = ParseSha256Fingerprint(std::string(kHex) + ":EE");
  CHECK(long_one.status().code() == ErrorCode::kInvalidArgument);
  auto odd = ParseSha256Fingerprint(std::string(kHex).substr(1));
  CHECK(odd.status().code() == ErrorCode::kInvalidArgument);
  auto sha1 =
      ParseSha256Fingerprint("sha1:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01");
  CHECK(sha1.status().message().find("only sha256") != std::string::npos);
  auto junk = ParseSha256Fingerprint(std::string(kHex).replace(3, 1, "G"));
  CHECK(junk.status().message().find("'G' is not a hex digit") != std::string::npos);
}

TEST_CASE("StartTls against a server that never answers times out cleanly") {
  auto [a, b] = testing::SocketPair();
  auto t = SocketTransport::Adopt(a, {"127.0.0.1", 143}, 200ms);
  Status s = t->StartTls({});
  CHECK(s.code() == ErrorCode::kTimeout);
  CHECK(s.transient());
  CHECK(s.message().rfind("TLS handshake with 127.0.0.1:143: timed out", 0) == 0);
  CHECK_FALSE(t->IsTls());
  // The half-done handshake poisoned the stream: the transport is closed.
  char buf[4];
  CHECK(t->Read(buf, sizeof buf).status().code() == ErrorCode::kNetwork);
  close(b);
}

TEST_CASE("Implicit TLS to a port that never speaks TLS fails after connect_timeout") {
  testing::SilentListener listener;
  ConnectOptions o;
  o.tls = TlsMode::kImplicit;
  o.connect_timeout = 300ms;
  o.io_timeout = 30s;
  auto start = std::chrono::steady_clock::now();
  auto t = Connect({"127.0.0.1", listener.port()}, o);
  auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().code() == ErrorCode::kTimeout);
  CHECK(t.status().message().find("TLS handshake with 127.0.0.1:") == 0);
  CHECK(elapsed < 5s);
}

TEST_CASE("StartTls against a plaintext server fails as a TLS error") {
  auto [a, b] = testing::SocketPair();
  auto t = SocketTransport::Adopt(a, {"localhost", 143}, 2s);
  std::thread server([fd = b] {
    char buf[4096];
    (void)!read(fd, buf, sizeof buf);  // the ClientHello
    const char reply[] = "* BAD unknown command\r\n";
    (void)!write(fd, reply, sizeof reply - 1);
  });
  Status s = t->StartTls({});
  server.join();
  close(b);
  CHECK(s.code() == ErrorCode::kTls);
  CHECK_FALSE(s.transient());
  CHECK(s.message().rfind("TLS handshake with localhost:143: ", 0) == 0);
  INFO(s.message());
  CHECK(s.message().find(
            "this port speaks plaintext, not TLS (it greeted \"* BAD unknown command\")") !=
        std::string::npos);
}

TEST_CASE("StartTls when the server hangs up mid-handshake is a network error") {
  auto [a, b] = testing::SocketPair();
  auto t = SocketTransport::Adopt(a, {"localhost", 143}, 2s);
  std::thread server([fd = b] {
    char buf[4096];
    (void)!read(fd, buf, sizeof buf);
    close(fd);
  });
  Status s = t->StartTls({});
  server.join();
  CHECK(s.code() == ErrorCode::kNetwork);
  CHECK(s.message().find("TLS handshake with localhost:143") == 0);
}

TEST_CASE("An unusable pin is rejected before any byte is sent") {
  auto [a, b] = testing::SocketPair();
  auto t = SocketTransport::Adopt(a, {"localhost", 993}, 2s);
  TlsOptions o;
  o.fingerprint = "sha256:1234";
  Status s = t->StartTls(o);
  CHECK(s.code() == ErrorCode::kInvalidArgument);
  close(b);
}

TEST_CASE("A missing CA file is a configuration error naming the file") {
  auto [a, b] = testing::SocketPair();
  auto t = SocketTransport::Adopt(a, {"localhost", 993}, 2s);
  TlsOptions o;
  o.ca_file = "/nonexistent/ca.pem";
  Status s = t->StartTls(o);
  CHECK(s.code() == ErrorCode::kInvalidArgument);
  CHECK(s.message().find("/nonexistent/ca.pem") != std::string::npos);
  close(b);
}

}  // namespace
}  // namespace mailhoard::net
