#include "engine/net/deflate_transport.h"

#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <string>
#include <thread>

#include "engine/net/buffered_reader.h"
#include "engine/net/socket_transport.h"
#include "tests/engine/net/loopback.h"
#include "tests/support/script/script_transport.h"

namespace mailhoard::net {
namespace {

using namespace std::chrono_literals;
using mailhoard::testing::Delivery;
using mailhoard::testing::Eof;
using mailhoard::testing::ScriptTransport;
using mailhoard::testing::Server;

// Records what the decorator sends, for checking it with plain zlib.
class CaptureTransport : public Transport {
 public:
  Result<size_t> Read(char*, size_t) override { return size_t{0}; }
  Status Write(std::string_view d) override {
    wire.append(d);
    ++writes;
    return Status::Ok();
  }
  Status StartTls(const TlsOptions&) override { return Status::Ok(); }
  bool IsTls() const override { return false; }
  void Close() override {}
  std::string Describe() const override { return "capture:1"; }
  std::string wire;
  int writes = 0;
};

std::string RawInflate(const std::string& wire) {
  z_stream z{};
  REQUIRE(inflateInit2(&z, -15) == Z_OK);
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(wire.data()));
  z.avail_in = static_cast<uInt>(wire.size());
  char buf[4096];
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    int rc = inflate(&z, Z_SYNC_FLUSH);
    REQUIRE((rc == Z_OK || rc == Z_BUF_ERROR));
    out.append(buf, sizeof buf - z.avail_out);
  } while (z.avail_out == 0);
  CHECK(z.avail_in == 0);
  inflateEnd(&z);
  return out;
}

std::string RawDeflate(const std::string& plain, bool finish = false) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, plain.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  z.avail_in = static_cast<uInt>(plain.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, finish ? Z_FINISH : Z_SYNC_FLUSH);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

std::string TextData(size_t n) {
  std::string s;
  for (int i = 0; s.size() < n; ++i) {
    s += "* " + std::to_string(i) + " FETCH (UID " + std::to_string(i * 7) +
         " FLAGS (\\Seen) RFC822.SIZE 4711)\r\n";
  }
  s.resize(n);
  return s;
}

std::string RandomData(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

TEST_CASE("Each write is flushed: plain zlib decodes every command as it is sent") {
  auto capture = std::make_unique<CaptureTransport>();
  CaptureTransport* wire = capture.get();
  DeflateTransport t(std::move(capture));
  REQUIRE(t.Write("a1 NOOP\r\n").ok());
  CHECK(RawInflate(wire->wire) == "a1 NOOP\r\n");
  REQUIRE(t.Write("a2 LIST \"\" *\r\n").ok());
  CHECK(RawInflate(wire->wire) == "a1 NOOP\r\na2 LIST \"\" *\r\n");
  // Z_SYNC_FLUSH ends with the empty stored block 00 00 FF FF.
  CHECK(wire->wire.substr(wire->wire.size() - 4) == std::string("\0\0\xff\xff", 4));
  CHECK(t.stats().plain_written == 23);
  CHECK(t.stats().wire_written == wire->wire.size());
}

TEST_CASE("Large writes leave in bounded chunks") {
  auto capture = std::make_unique<CaptureTransport>();
  CaptureTransport* wire = capture.get();
  DeflateTransport t(std::move(capture));
  std::string data = RandomData(1 << 20, 7);  // incompressible: wire > plain
  REQUIRE(t.Write(data).ok());
  CHECK(wire->writes >= 64);  // 1 MiB through a 16 KiB buffer
  CHECK(RawInflate(wire->wire) == data);
}

TEST_CASE("Reads inflate server data however it is split") {
  std::string plain = TextData(100'000) + RandomData(20'000, 3);
  // One stream with two sync flushes, as a server sends two responses.
  std::string wire;
  z_stream z{};
  REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  wire.assign(deflateBound(&z, plain.size()) + 128, '\0');
  z.next_out = reinterpret_cast<Bytef*>(wire.data());
  z.avail_out = static_cast<uInt>(wire.size());
  for (size_t off : {size_t{0}, size_t{50'000}}) {
    std::string_view part = std::string_view(plain).substr(off, off ? std::string::npos : 50'000);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(part.data()));
    z.avail_in = static_cast<uInt>(part.size());
    REQUIRE(deflate(&z, Z_SYNC_FLUSH) == Z_OK);
  }
  wire.resize(wire.size() - z.avail_out);
  deflateEnd(&z);

  for (uint32_t seed = 1; seed <= 5; ++seed) {
    auto script = std::make_unique<ScriptTransport>(
        std::vector{Server(wire), Eof()},
        mailhoard::testing::ScriptOptions{seed == 1 ? Delivery::kOneByte : Delivery::kRandom,
                                          seed});
    DeflateTransport t(std::move(script));
    std::string got;
    std::mt19937 rng(seed);
    char buf[5000];
    for (;;) {
      size_t want = std::uniform_int_distribution<size_t>(1, sizeof buf)(rng);
      auto r = t.Read(buf, want);
      REQUIRE(r.ok());
      if (*r == 0) break;
      got.append(buf, *r);
    }
    CHECK(got.size() == plain.size());
    CHECK(got == plain);
    CHECK(t.stats().plain_read == plain.size());
  }
}

TEST_CASE("A finished server stream reads as end of stream") {
  auto script = std::make_unique<ScriptTransport>(
      std::vector{Server(RawDeflate("* BYE\r\n", /*finish=*/true))});
  BufferedReader r(std::make_unique<DeflateTransport>(std::move(script)));
  CHECK(*r.ReadLine(100) == "* BYE");
  char c;
  CHECK(*r.ReadSome(&c, 1) == 0);
}

TEST_CASE("Corrupt compressed data is a protocol error, and stays one") {
  auto script = std::make_unique<ScriptTransport>(
      std::vector{Server(std::string("\xff\xff\xff\xff garbage", 12))});
  DeflateTransport t(std::move(script));
  char buf[64];
  auto r = t.Read(buf, sizeof buf);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == ErrorCode::kProtocol);
  CHECK(r.status().message().rfind("decompressing data from script:143: ", 0) == 0);
  CHECK(t.Read(buf, sizeof buf).status().code() == ErrorCode::kProtocol);
}

TEST_CASE("StartTls inside compression is refused") {
  DeflateTransport t(std::make_unique<CaptureTransport>());
  CHECK(t.StartTls({}).code() == ErrorCode::kInvalidArgument);
}

TEST_CASE("Deflate round trip over a socket pair: text, incompressible, large") {
  auto [a, b] = testing::SocketPair();
  DeflateTransport client(SocketTransport::Adopt(a, {"client", 1}, 5s));
  DeflateTransport server(SocketTransport::Adopt(b, {"server", 2}, 5s));

  // A single command arrives whole without the sender writing anything else:
  // the sync flush works (otherwise this read times out).
  REQUIRE(client.Write("a1 NOOP\r\n").ok());
  std::string got;
  char buf[64];
  while (got.size() < 9) {
    auto r = server.Read(buf, sizeof buf);
    REQUIRE(r.ok());
    REQUIRE(*r > 0);
    got.append(buf, *r);
  }
  CHECK(got == "a1 NOOP\r\n");

  const std::string payload = TextData(4 << 20) + RandomData(4 << 20, 11) + TextData(1000);
  std::thread writer([&] {
    // Uneven pieces, as a client writes commands and literals.
    size_t off = 0;
    std::mt19937 rng(5);
    while (off < payload.size()) {
      size_t n = std::uniform_int_distribution<size_t>(1, 300'000)(rng);
      n = std::min(n, payload.size() - off);
      if (!server.Write(std::string_view(payload).substr(off, n)).ok()) return;
      off += n;
    }
  });
  std::string received;
  received.reserve(payload.size());
  std::vector<char> big(65536);
  while (received.size() < payload.size()) {
    auto r = client.Read(big.data(), big.size());
    REQUIRE(r.ok());
    REQUIRE(*r > 0);
    received.append(big.data(), *r);
  }
  writer.join();
  CHECK(received.size() == payload.size());
  CHECK(received == payload);
  auto stats = client.stats();
  CHECK(stats.plain_read == payload.size());
  // The text compresses well; the random third does not; overall < plain.
  CHECK(stats.wire_read < stats.plain_read);
}

}  // namespace
}  // namespace mailhoard::net
