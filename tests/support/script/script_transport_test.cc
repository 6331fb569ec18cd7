#include "tests/support/script/script_transport.h"

#include <catch2/catch.hpp>
#include <string>

namespace mailhoard::testing {
namespace {

std::string ReadAll(ScriptTransport& t, size_t chunk, std::vector<size_t>* sizes = nullptr) {
  std::string out;
  char buf[64];
  for (;;) {
    auto r = t.Read(buf, std::min(chunk, sizeof buf));
    REQUIRE(r.ok());
    if (*r == 0) return out;
    if (sizes) sizes->push_back(*r);
    out.append(buf, *r);
  }
}

TEST_CASE("A conversation that follows the script is Done") {
  ScriptTransport t({Server("* OK ready\r\n"), Client("a1 NOOP\r\n"), Server("a1 OK\r\n"), Eof()});
  char buf[64];
  auto r = t.Read(buf, sizeof buf);
  REQUIRE(r.ok());
  CHECK(std::string(buf, *r) == "* OK ready\r\n");
  CHECK_FALSE(t.Done().ok());
  REQUIRE(t.Write("a1 ").ok());  // a command may arrive in pieces
  REQUIRE(t.Write("NOOP\r\n").ok());
  r = t.Read(buf, sizeof buf);
  CHECK(std::string(buf, *r) == "a1 OK\r\n");
  CHECK(t.Done().ok());  // the trailing Eof need not be read
  CHECK(*t.Read(buf, sizeof buf) == 0);
  CHECK(*t.Read(buf, sizeof buf) == 0);
  CHECK(t.Done().ok());
}

TEST_CASE("Wrong client bytes fail the write with a diff and fail Done") {
  ScriptTransport t({Client("a1 LOGIN user pass\r\n")});
  Status s = t.Write("a1 LOGOUT\r\n");
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("at offset 6") != std::string::npos);
  CHECK(s.message().find("expected: \"a1 LOGIN user pass\\r\\n\"") != std::string::npos);
  CHECK(s.message().find("actual: \"a1 LOGOUT\\r\\n\"") != std::string::npos);
  CHECK(t.Done().message() == s.message());
}

TEST_CASE("Reading while the server waits for the client is reported, not hung") {
  ScriptTransport t({Client("a1 NOOP\r\n")});
  char c;
  auto r = t.Read(&c, 1);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("expects the client at step 1 Client(\"a1 NOOP\\r\\n\")") !=
        std::string::npos);
  CHECK_FALSE(t.Done().ok());
}

TEST_CASE("Writing when the server should speak is reported") {
  ScriptTransport t({Server("* OK\r\n")});
  CHECK_FALSE(t.Write("a1 NOOP\r\n").ok());
  CHECK_FALSE(t.Done().ok());
}

TEST_CASE("One-byte and random delivery split server data but keep it intact") {
  const std::string greeting = "* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n";
  {
    ScriptTransport t({Server(greeting), Eof()}, {Delivery::kOneByte});
    std::vector<size_t> sizes;
    CHECK(ReadAll(t, 64, &sizes) == greeting);
    CHECK(sizes.size() == greeting.size());
  }
  bool split = false;
  for (uint32_t seed = 1; seed < 20; ++seed) {
    ScriptTransport t({Server(greeting), Server("a1 OK\r\n"), Eof()}, {Delivery::kRandom, seed});
    std::vector<size_t> sizes;
    CHECK(ReadAll(t, 64, &sizes) == greeting + "a1 OK\r\n");
    split |= sizes.size() > 2;
    CHECK(t.Done().ok());
  }
  CHECK(split);
}

TEST_CASE("Greedy delivery coalesces consecutive server steps") {
  ScriptTransport t({Server("* 1 EXISTS\r\n"), Server("* 1 RECENT\r\n"), Server("a1 OK\r\n"),
                     Client("a2 NOOP\r\n"), Server("a2 OK\r\n")},
                    {Delivery::kGreedy});
  char buf[64];
  auto r = t.Read(buf, sizeof buf);
  CHECK(std::string(buf, *r) == "* 1 EXISTS\r\n* 1 RECENT\r\na1 OK\r\n");  // stops at Client
  REQUIRE(t.Write("a2 NOOP\r\n").ok());
  r = t.Read(buf, 4);
  CHECK(std::string(buf, *r) == "a2 O");
  r = t.Read(buf, sizeof buf);
  CHECK(std::string(buf, *r) == "K\r\n");
  CHECK(t.Done().ok());
}

TEST_CASE("Errors and StartTls are steps") {
  ScriptTransport t({Server("a OK go\r\n"), StartTls(), Error(NetworkError("reset")), Eof()});
  char buf[16];
  CHECK_FALSE(t.IsTls());
  CHECK_FALSE(t.StartTls({}).ok());  // too early: the go-ahead is unread
  ScriptTransport u({Server("a OK go\r\n"), StartTls(), Error(NetworkError("reset")), Eof()});
  REQUIRE(u.Read(buf, sizeof buf).ok());
  net::TlsOptions o;
  o.server_name = "imap.example.com";
  REQUIRE(u.StartTls(o).ok());
  CHECK(u.IsTls());
  CHECK(u.last_tls_options().server_name == "imap.example.com");
  auto r = u.Read(buf, sizeof buf);
  CHECK(r.status().message() == "reset");
  CHECK(*u.Read(buf, sizeof buf) == 0);
  CHECK(u.Done().ok());
}

TEST_CASE("Done names the pending step") {
  ScriptTransport t({Server("* OK\r\n"), Client("a1 CAPABILITY\r\n")});
  char buf[16];
  REQUIRE(t.Read(buf, sizeof buf).ok());
  Status s = t.Done();
  CHECK(s.message().find("step 2 Client(\"a1 CAPABILITY\\r\\n\")") != std::string::npos);
}

}  // namespace
}  // namespace mailhoard::testing
