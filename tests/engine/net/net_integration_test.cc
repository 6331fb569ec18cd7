// engine/net against the real Dovecot: implicit TLS, STARTTLS / STLS
// upgrades, and every way certificate verification must refuse.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "engine/net/buffered_reader.h"
#include "engine/net/deflate_transport.h"
#include "engine/net/socket_transport.h"
#include "engine/net/tls_session.h"
#include "engine/net/transport.h"
#include "tests/support/dovecot_server.h"
#include "tests/support/wait_until.h"

namespace mailhoard::net {
namespace {

using namespace std::chrono_literals;
using mailhoard::testing::DovecotServer;

ConnectOptions Options(TlsMode mode, TlsOptions tls = {}) {
  ConnectOptions o;
  o.tls = mode;
  o.tls_options = std::move(tls);
  o.connect_timeout = 5s;
  o.io_timeout = 10s;
  return o;
}

TlsOptions WithCa() {
  TlsOptions t;
  t.ca_file = DovecotServer::Shared().ca_file();
  return t;
}

// Reads lines until one starts with `prefix`; returns everything read.
std::string ReadUntil(BufferedReader& r, std::string_view prefix) {
  std::string all;
  for (;;) {
    auto line = r.ReadLine(8192);
    REQUIRE(line.ok());
    all.append(*line).append("\n");
    if (line->substr(0, prefix.size()) == prefix) return all;
  }
}

std::unique_ptr<BufferedReader> Dial(uint16_t port, const ConnectOptions& options,
                                     const std::string& host = "127.0.0.1") {
  auto t = Connect({host, port}, options);
  if (!t.ok()) FAIL(t.status().ToString());
  return std::make_unique<BufferedReader>(std::move(*t));
}

TEST_CASE("IMAPS verifies against the run's CA, by IP and by host name") {
  auto& dovecot = DovecotServer::Shared();
  for (std::string host : {"127.0.0.1", "localhost"}) {
    INFO(host);
    auto r = Dial(dovecot.imaps_port(), Options(TlsMode::kImplicit, WithCa()), host);
    CHECK(r->transport().IsTls());
    CHECK(ReadUntil(*r, "* OK").find("Dovecot") != std::string::npos);
    REQUIRE(r->Write("a CAPABILITY\r\n").ok());
    std::string caps = ReadUntil(*r, "a OK");
    CHECK(caps.find("* CAPABILITY IMAP4rev1") != std::string::npos);
    REQUIRE(r->Write("b LOGOUT\r\n").ok());
    ReadUntil(*r, "b OK");
    // Dovecot closes with close_notify: an orderly end of stream.
    char c;
    auto eof = r->ReadSome(&c, 1);
    REQUIRE(eof.ok());
    CHECK(*eof == 0);
  }
}

TEST_CASE("Writing over TLS after the server hung up is an error, not SIGPIPE") {
  auto& dovecot = DovecotServer::Shared();
  auto r = Dial(dovecot.imaps_port(), Options(TlsMode::kImplicit, WithCa()));
  ReadUntil(*r, "* OK");
  REQUIRE(r->Write("a LOGOUT\r\n").ok());
  ReadUntil(*r, "a OK");
  char c;
  REQUIRE(*r->ReadSome(&c, 1) == 0);
  // Keep writing until the kernel reports the reset; SIGPIPE would kill the
  // test process here (OpenSSL's own socket BIO uses write(2)).
  // The reset comes back some time after the first write reaches the closed
  // socket: write until it is reported, not a fixed number of times.
  Status s;
  mailhoard::testing::WaitUntil(
      [&] {
        s = r->Write(std::string(64 * 1024, 'x'));
        return !s.ok();
      },
      mailhoard::testing::kEventDeadline, 10ms);
  CHECK(s.code() == ErrorCode::kNetwork);
  CHECK(s.transient());
  CHECK(s.message().find("writing to 127.0.0.1:") == 0);
  INFO(s.message());
  CHECK((s.message().find("Broken pipe") != std::string::npos ||
         s.message().find("Connection reset by peer") != std::string::npos ||
         s.message().find("server closed the TLS session") != std::string::npos));
}

TEST_CASE("IMAPS reports the negotiated session") {
  auto& dovecot = DovecotServer::Shared();
  auto t = SocketTransport::Connect({"127.0.0.1", dovecot.imaps_port()}, 5s, 10s);
  REQUIRE(t.ok());
  REQUIRE((*t)->StartTls(WithCa()).ok());
  REQUIRE((*t)->tls() != nullptr);
  CHECK(((*t)->tls()->protocol() == "TLSv1.3" || (*t)->tls()->protocol() == "TLSv1.2"));
  CHECK((*t)->tls()->peer_fingerprint() == dovecot.cert_fingerprint_sha256());
  CHECK_FALSE((*t)->tls()->cipher().empty());
}

TEST_CASE("IMAPS is refused when the CA is not trusted (system store)") {
  auto& dovecot = DovecotServer::Shared();
  auto t = Connect({"127.0.0.1", dovecot.imaps_port()}, Options(TlsMode::kImplicit));
  REQUIRE_FALSE(t.ok());
  const Status& s = t.status();
  INFO(s.ToString());
  CHECK(s.code() == ErrorCode::kTls);
  CHECK_FALSE(s.transient());
  CHECK(s.message().rfind("TLS handshake with 127.0.0.1:" + std::to_string(dovecot.imaps_port()) +
                              ": the server's certificate is not signed by a CA this machine "
                              "trusts (",
                          0) == 0);
}

TEST_CASE("IMAPS is refused when the certificate does not name the server") {
  auto& dovecot = DovecotServer::Shared();
  TlsOptions tls = WithCa();
  tls.server_name = "wrong.example";
  auto t = Connect({"127.0.0.1", dovecot.imaps_port()}, Options(TlsMode::kImplicit, tls));
  REQUIRE_FALSE(t.ok());
  INFO(t.status().ToString());
  CHECK(t.status().code() == ErrorCode::kTls);
  CHECK(t.status().message().find("(server name wrong.example)") != std::string::npos);
  CHECK(t.status().message().find("is not issued for \"wrong.example\" (hostname mismatch)") !=
        std::string::npos);

  // An IP literal is checked against iPAddress SANs: 127.0.0.2 is not listed.
  tls.server_name = "127.0.0.2";
  auto u = Connect({"127.0.0.1", dovecot.imaps_port()}, Options(TlsMode::kImplicit, tls));
  REQUIRE_FALSE(u.ok());
  INFO(u.status().ToString());
  CHECK(u.status().message().find("IP address mismatch") != std::string::npos);
}

TEST_CASE("A pinned fingerprint replaces the CA, a wrong pin is refused") {
  auto& dovecot = DovecotServer::Shared();
  TlsOptions pinned;
  pinned.fingerprint = "sha256:" + dovecot.cert_fingerprint_sha256();
  auto ok = Connect({"127.0.0.1", dovecot.imaps_port()}, Options(TlsMode::kImplicit, pinned));
  REQUIRE(ok.ok());
  CHECK((*ok)->IsTls());

  // Bare lower-case hex works too, and the pin ignores the name.
  std::string bare;
  for (char c : dovecot.cert_fingerprint_sha256()) {
    if (c != ':') bare += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  pinned.fingerprint = bare;
  pinned.server_name = "anything.example";
  CHECK(Connect({"127.0.0.1", dovecot.imaps_port()}, Options(TlsMode::kImplicit, pinned)).ok());

  TlsOptions wrong;
  std::string fp = dovecot.cert_fingerprint_sha256();
  fp[0] = fp[0] == 'A' ? 'B' : 'A';
  wrong.fingerprint = fp;
  auto bad = Connect({"127.0.0.1", dovecot.imaps_port()}, Options(TlsMode::kImplicit, wrong));
  REQUIRE_FALSE(bad.ok());
  INFO(bad.status().ToString());
  CHECK(bad.status().code() == ErrorCode::kTls);
  CHECK(bad.status().message().find(
            "certificate fingerprint mismatch: expected sha256:" + fp +
            ", server presented sha256:" + dovecot.cert_fingerprint_sha256()) != std::string::npos);
}

TEST_CASE("verify=false connects to an untrusted server") {
  auto& dovecot = DovecotServer::Shared();
  TlsOptions off;
  off.verify = false;
  off.server_name = "wrong.example";
  auto t = Connect({"127.0.0.1", dovecot.imaps_port()}, Options(TlsMode::kImplicit, off));
  REQUIRE(t.ok());
  CHECK((*t)->IsTls());
}

TEST_CASE("IMAP STARTTLS upgrades the plaintext connection in place") {
  auto& dovecot = DovecotServer::Shared();
  auto r = Dial(dovecot.imap_port(), Options(TlsMode::kStartTls));
  CHECK_FALSE(r->transport().IsTls());
  CHECK(ReadUntil(*r, "* OK").find("STARTTLS") != std::string::npos);
  REQUIRE(r->Write("a STARTTLS\r\n").ok());
  ReadUntil(*r, "a OK");
  Status s = r->StartTls(WithCa());
  REQUIRE(s.ok());
  CHECK(r->transport().IsTls());
  REQUIRE(r->Write("b CAPABILITY\r\n").ok());
  std::string caps = ReadUntil(*r, "b OK");
  CHECK(caps.find("* CAPABILITY IMAP4rev1") != std::string::npos);
  CHECK(caps.find("STARTTLS") == std::string::npos);  // not offered twice

  auto user = dovecot.CreateUser();
  REQUIRE(r->Write("c LOGIN " + user.name + " " + user.password + "\r\n").ok());
  CHECK(ReadUntil(*r, "c ").rfind("c OK") != std::string::npos);
}

TEST_CASE("IMAP STARTTLS with a wrong server name fails and closes") {
  auto& dovecot = DovecotServer::Shared();
  auto r = Dial(dovecot.imap_port(), Options(TlsMode::kStartTls));
  ReadUntil(*r, "* OK");
  REQUIRE(r->Write("a STARTTLS\r\n").ok());
  ReadUntil(*r, "a OK");
  TlsOptions tls = WithCa();
  tls.server_name = "wrong.example";
  Status s = r->StartTls(tls);
  CHECK(s.code() == ErrorCode::kTls);
  CHECK(s.message().find("hostname mismatch") != std::string::npos);
  CHECK_FALSE(r->Write("b CAPABILITY\r\n").ok());  // never falls back to plaintext
}

TEST_CASE("POP3S verifies and speaks") {
  auto& dovecot = DovecotServer::Shared();
  auto r = Dial(dovecot.pop3s_port(), Options(TlsMode::kImplicit, WithCa()), "localhost");
  CHECK(r->transport().IsTls());
  ReadUntil(*r, "+OK");
  REQUIRE(r->Write("CAPA\r\n").ok());
  std::string capa = ReadUntil(*r, ".");
  CHECK(capa.find("UIDL") != std::string::npos);
  REQUIRE(r->Write("QUIT\r\n").ok());
  ReadUntil(*r, "+OK");

  auto refused = Connect({"127.0.0.1", dovecot.pop3s_port()}, Options(TlsMode::kImplicit));
  CHECK(refused.status().code() == ErrorCode::kTls);
}

TEST_CASE("POP3 STLS upgrades in place") {
  auto& dovecot = DovecotServer::Shared();
  auto r = Dial(dovecot.pop3_port(), Options(TlsMode::kStartTls));
  ReadUntil(*r, "+OK");
  REQUIRE(r->Write("CAPA\r\n").ok());
  CHECK(ReadUntil(*r, ".").find("STLS") != std::string::npos);
  REQUIRE(r->Write("STLS\r\n").ok());
  ReadUntil(*r, "+OK");
  REQUIRE(r->StartTls(WithCa()).ok());
  auto user = dovecot.CreateUser();
  REQUIRE(r->Write("USER " + user.name + "\r\n").ok());
  ReadUntil(*r, "+OK");
  REQUIRE(r->Write("PASS " + user.password + "\r\n").ok());
  CHECK(ReadUntil(*r, "+").rfind("+OK") != std::string::npos);
  REQUIRE(r->Write("STAT\r\n").ok());
  CHECK(ReadUntil(*r, "+OK") == "+OK 0 0\n");
}

TEST_CASE("COMPRESS=DEFLATE with Dovecot: commands and a large literal survive") {
  auto& dovecot = DovecotServer::Shared();
  auto user = dovecot.CreateUser();
  std::string body;
  for (int i = 0; body.size() < 300'000; ++i) {
    body += "Line " + std::to_string(i) + " of a long message body, compressible.\r\n";
  }
  const std::string message =
      "From: a@example.com\r\nTo: b@example.com\r\nSubject: big\r\n\r\n" + body;
  dovecot.Deliver(user.name, "INBOX", message);

  auto r = Dial(dovecot.imaps_port(), Options(TlsMode::kImplicit, WithCa()));
  ReadUntil(*r, "* OK");
  REQUIRE(r->Write("a LOGIN " + user.name + " " + user.password + "\r\n").ok());
  CHECK(ReadUntil(*r, "a ").find("COMPRESS=DEFLATE") != std::string::npos);
  REQUIRE(r->Write("b COMPRESS DEFLATE\r\n").ok());
  ReadUntil(*r, "b OK");
  DeflateTransport* deflate = nullptr;
  REQUIRE(r->Wrap([&](std::unique_ptr<Transport> t) {
             auto d = std::make_unique<DeflateTransport>(std::move(t));
             deflate = d.get();
             return d;
           }).ok());
  CHECK(r->transport().IsTls());
  REQUIRE(r->Write("c SELECT INBOX\r\n").ok());
  CHECK(ReadUntil(*r, "c ").find("c OK") != std::string::npos);
  REQUIRE(r->Write("d UID FETCH 1 BODY.PEEK[]\r\n").ok());
  auto head = r->ReadLine(1000);
  REQUIRE(head.ok());
  std::string h(*head);
  INFO(h);
  REQUIRE(h.back() == '}');
  size_t size = std::stoul(h.substr(h.rfind('{') + 1));
  CHECK(size == message.size());
  std::string got;
  REQUIRE(r->ReadExact(size, [&](const char* p, size_t n) {
             got.append(p, n);
             return Status::Ok();
           }).ok());
  CHECK(got == message);
  ReadUntil(*r, "d OK");
  auto stats = deflate->stats();
  CHECK(stats.wire_read * 4 < stats.plain_read);  // the body compresses well
  REQUIRE(r->Write("e LOGOUT\r\n").ok());
  ReadUntil(*r, "e OK");
}

TEST_CASE("Plaintext mode connects without TLS") {
  auto& dovecot = DovecotServer::Shared();
  auto r = Dial(dovecot.imap_port(), Options(TlsMode::kNone));
  CHECK_FALSE(r->transport().IsTls());
  ReadUntil(*r, "* OK");
}

}  // namespace
}  // namespace mailhoard::net
