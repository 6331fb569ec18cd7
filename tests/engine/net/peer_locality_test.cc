#include "engine/net/peer_locality.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

using mailhoard::net::IsLocalAddress;
using mailhoard::net::PeerIsLocal;

namespace {

bool Local(const std::string& text) {
  sockaddr_in6 v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    return IsLocalAddress(reinterpret_cast<sockaddr*>(&v6), sizeof v6);
  }
  sockaddr_in v4{};
  REQUIRE(inet_pton(AF_INET, text.c_str(), &v4.sin_addr) == 1);
  v4.sin_family = AF_INET;
  return IsLocalAddress(reinterpret_cast<sockaddr*>(&v4), sizeof v4);
}

}  // namespace

TEST_CASE("loopback, private and link-local addresses are local") {
  for (const char* a : {"127.0.0.1", "127.9.8.7", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                        "192.168.1.10", "169.254.3.4", "100.64.0.1", "::1", "fe80::1", "fd00::5",
                        "fc12::1", "::ffff:192.168.0.2", "::ffff:127.0.0.1"}) {
    INFO(a);
    CHECK(Local(a));
  }
}

TEST_CASE("public addresses are remote") {
  for (const char* a :
       {"52.97.1.2", "172.32.0.1", "172.15.255.255", "192.169.0.1", "11.0.0.1", "100.128.0.1",
        "8.8.8.8", "2603:1026::1", "2001:db8::1", "::ffff:8.8.8.8", "fec0::1"}) {
    INFO(a);
    CHECK_FALSE(Local(a));
  }
}

TEST_CASE("a connected loopback socket's peer is local, a socketpair's is not an address") {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(listener, 1) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  int client = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  CHECK(PeerIsLocal(client));
  close(client);
  close(listener);

  int pair[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
  CHECK_FALSE(PeerIsLocal(pair[0]));
  close(pair[0]);
  close(pair[1]);
  CHECK_FALSE(PeerIsLocal(-1));
}
