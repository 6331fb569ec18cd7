#include <string>

#include "engine/net/transport.h"

namespace mailhoard::net {

std::string Endpoint::ToString() const {
  // RFC 3986 §3.2.2: an IPv6 literal is bracketed so the port stays readable.
  bool v6 = host.find(':') != std::string::npos && (host.empty() || host.front() != '[');
  std::string h = v6 ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port);
}

}  // namespace mailhoard::net
