#include "engine/net/peer_locality.h"

#include <netinet/in.h>

#include <cstdint>
#include <cstring>

namespace mailhoard::net {
namespace {

bool IsLocalV4(uint32_t a) {  // host byte order
  const auto in = [a](uint32_t net, int bits) {
    return (a >> (32 - bits)) == (net >> (32 - bits));
  };
  return in(0x7F000000, 8) || in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16) ||
         in(0xA9FE0000, 16) || in(0x64400000, 10);
}

bool IsLocalV6(const in6_addr& a) {
  const uint8_t* b = a.s6_addr;
  if (IN6_IS_ADDR_LOOPBACK(&a) || IN6_IS_ADDR_LINKLOCAL(&a)) return true;
  if ((b[0] & 0xFE) == 0xFC) return true;  // fc00::/7
  if (IN6_IS_ADDR_V4MAPPED(&a)) {
    uint32_t v4;
    std::memcpy(&v4, b + 12, sizeof v4);
    return IsLocalV4(ntohl(v4));
  }
  return false;
}

}  // namespace

bool IsLocalAddress(const sockaddr* address, socklen_t length) {
  if (address->sa_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    sockaddr_in v4;
    std::memcpy(&v4, address, sizeof v4);
    return IsLocalV4(ntohl(v4.sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    sockaddr_in6 v6;
    std::memcpy(&v6, address, sizeof v6);
    return IsLocalV6(v6.sin6_addr);
  }
  return false;
}

bool PeerIsLocal(int fd) {
  sockaddr_storage peer{};
  socklen_t length = sizeof peer;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0) return false;
  return IsLocalAddress(reinterpret_cast<const sockaddr*>(&peer), length);
}

}  // namespace mailhoard::net
