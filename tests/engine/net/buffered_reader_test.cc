#include "engine/net/buffered_reader.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/script/script_transport.h"

namespace mailhoard::net {
namespace {

using mailhoard::testing::Client;
using mailhoard::testing::Delivery;
using mailhoard::testing::Eof;
using mailhoard::testing::ScriptOptions;
using mailhoard::testing::ScriptStep;
using mailhoard::testing::ScriptTransport;
using mailhoard::testing::Server;

struct Fixture {
  ScriptTransport* script = nullptr;
  std::unique_ptr<BufferedReader> reader;
};

Fixture Make(std::vector<ScriptStep> steps, ScriptOptions options = {}, size_t capacity = 64) {
  auto t = std::make_unique<ScriptTransport>(std::move(steps), options);
  Fixture f;
  f.script = t.get();
  f.reader = std::make_unique<BufferedReader>(std::move(t), capacity);
  return f;
}

std::vector<ScriptOptions> AllDeliveries() {
  std::vector<ScriptOptions> v = {{Delivery::kWhole}, {Delivery::kOneByte}, {Delivery::kGreedy}};
  for (uint32_t seed = 1; seed <= 25; ++seed) v.push_back({Delivery::kRandom, seed});
  return v;
}

TEST_CASE("ReadLine splits lines at CRLF however the bytes arrive") {
  for (const auto& options : AllDeliveries()) {
    auto f = Make({Server("+OK POP3 ready\r\n+OK 2 messages\r\n"), Server("\r\n"),
                   Server("bare lf\nlast\r\n"), Eof()},
                  options);
    std::vector<std::string> lines;
    for (int i = 0; i < 5; ++i) {
      auto r = f.reader->ReadLine(100);
      REQUIRE(r.ok());
      lines.emplace_back(*r);
    }
    CHECK(lines ==
          std::vector<std::string>{"+OK POP3 ready", "+OK 2 messages", "", "bare lf", "last"});
    auto eof = f.reader->ReadLine(100);
    CHECK(eof.status().code() == ErrorCode::kNetwork);
    CHECK(eof.status().transient());
    CHECK(eof.status().message() ==
          "connection closed by script:143 while a response line was expected");
  }
}

TEST_CASE("A line of exactly max_len is fine, one byte more is a protocol error") {
  for (const auto& options : AllDeliveries()) {
    std::string exact(200, 'x');  // longer than the initial 64-byte buffer
    auto f = Make({Server(exact + "\r\n" + exact + "y\r\nnext\r\n")}, options);
    auto r = f.reader->ReadLine(200);
    REQUIRE(r.ok());
    CHECK(*r == exact);
    auto too_long = f.reader->ReadLine(200);
    REQUIRE_FALSE(too_long.ok());
    CHECK(too_long.status().code() == ErrorCode::kProtocol);
    CHECK(too_long.status().message() == "script:143 sent a line longer than 200 bytes");
  }
}

TEST_CASE("An endless line without LF is cut off at the limit, not buffered") {
  std::vector<ScriptStep> steps;
  for (int i = 0; i < 1000; ++i) steps.push_back(Server(std::string(1000, 'A')));
  auto f = Make(std::move(steps));
  auto r = f.reader->ReadLine(4096);
  CHECK(r.status().code() == ErrorCode::kProtocol);
  // Only about max_len bytes were consumed from the (1 MB) stream.
  CHECK(f.script->step() < 10);
}

TEST_CASE("An absurd line limit is refused instead of allocated") {
  auto f = Make({Server("x\r\n")});
  auto r = f.reader->ReadLine(size_t{1} << 40);
  CHECK(r.status().code() == ErrorCode::kInvalidArgument);
  CHECK(*f.reader->ReadLine(100) == "x");
}

TEST_CASE("EOF in the middle of a line says so") {
  auto f = Make({Server("* OK partial"), Eof()});
  auto r = f.reader->ReadLine(100);
  CHECK(r.status().message() == "connection closed by script:143 in the middle of a line");
}

TEST_CASE("ReadExact streams a literal in chunks, then lines continue") {
  std::string literal;
  for (int i = 0; literal.size() < 5000; ++i) literal += "line " + std::to_string(i) + "\r\n";
  for (const auto& options : AllDeliveries()) {
    auto f = Make({Server("* 1 FETCH (BODY[] {" + std::to_string(literal.size()) + "}\r\n"),
                   Server(literal + ")\r\na1 OK\r\n"), Eof()},
                  options);
    auto header = f.reader->ReadLine(1000);
    REQUIRE(header.ok());
    std::string got;
    size_t max_chunk = 0;
    Status s = f.reader->ReadExact(literal.size(), [&](const char* p, size_t n) {
      got.append(p, n);
      max_chunk = std::max(max_chunk, n);
      return Status::Ok();
    });
    REQUIRE(s.ok());
    CHECK(got == literal);
    CHECK(max_chunk <= 1002);  // bounded by the buffer, never the whole literal
    CHECK(*f.reader->ReadLine(100) == ")");
    CHECK(*f.reader->ReadLine(100) == "a1 OK");
  }
}

TEST_CASE("ReadExact reports a short stream and sink errors") {
  auto f = Make({Server("12345"), Eof()});
  Status s = f.reader->ReadExact(10, [](const char*, size_t) { return Status::Ok(); });
  CHECK(s.code() == ErrorCode::kNetwork);
  CHECK(s.message() == "connection closed by script:143 after 5 of 10 bytes");

  auto g = Make({Server("12345")});
  Status e = g.reader->ReadExact(5, [](const char*, size_t) { return IoError("disk full"); });
  CHECK(e.code() == ErrorCode::kIo);
}

TEST_CASE("ReadSome drains the buffer before reading the transport") {
  auto f = Make({Server("line\r\nrest"), Server("more"), Eof()});
  REQUIRE(*f.reader->ReadLine(10) == "line");
  char buf[64];
  auto r = f.reader->ReadSome(buf, sizeof buf);
  CHECK(std::string(buf, *r) == "rest");
  r = f.reader->ReadSome(buf, sizeof buf);
  CHECK(std::string(buf, *r) == "more");
  CHECK(*f.reader->ReadSome(buf, sizeof buf) == 0);
}

TEST_CASE("StartTls is refused when plaintext bytes follow the go-ahead") {
  // CVE-2011-0411: a man in the middle appends a command after "OK".
  auto f = Make({Server("a2 OK Begin TLS\r\n* OK injected\r\n")});
  REQUIRE(*f.reader->ReadLine(100) == "a2 OK Begin TLS");
  Status s = f.reader->StartTls({});
  CHECK(s.code() == ErrorCode::kProtocol);
  CHECK(s.message().find("injection") != std::string::npos);
  CHECK_FALSE(f.script->IsTls());

  auto g = Make(
      {Server("a2 OK Begin TLS\r\n"), mailhoard::testing::StartTls(), Client("a3 CAPABILITY\r\n")});
  REQUIRE(*g.reader->ReadLine(100) == "a2 OK Begin TLS");
  REQUIRE(g.reader->StartTls({}).ok());
  REQUIRE(g.reader->Write("a3 CAPABILITY\r\n").ok());
  CHECK(g.script->Done().ok());
}

}  // namespace
}  // namespace mailhoard::net
