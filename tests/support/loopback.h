// Loopback sockets for the test servers and proxies (127.0.0.1 only).
#pragma once

#include <cstdint>

namespace mailhoard::testing {

// A listening socket on 127.0.0.1 with a free port (written to *port);
// aborts the test run if none can be had.
int ListenLoopback(uint16_t* port);
// A connected socket to 127.0.0.1:port, or -1.
int DialLoopback(uint16_t port);

}  // namespace mailhoard::testing
