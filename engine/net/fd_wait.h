// Waiting on a non-blocking descriptor with a deadline.
//
// Internal to engine/net: the socket and TLS layers both block here, so every
// read, write and handshake step honours io_timeout the same way.
#pragma once

#include <chrono>
#include <string_view>

#include "core/status.h"

namespace mailhoard::net {

// Waits until `fd` is ready for `events` (POLLIN / POLLOUT). Restarts after
// EINTR with the remaining time, so a signal neither shortens nor extends the
// wait. `what` names the step for the error ("reading from host:993").
Status WaitForFd(int fd, short events, std::chrono::milliseconds timeout, std::string_view what);

// "Connection refused" for errno values, without the thread-unsafe strerror().
std::string ErrnoString(int err);

}  // namespace mailhoard::net
