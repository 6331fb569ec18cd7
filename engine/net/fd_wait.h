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

// A peer that sends a byte now and then (a trickle) makes progress on every
// single wait, so a per-wait timeout alone never ends it. Reads therefore
// also spend from a budget: io_timeout of waiting in all to receive the next
// kTrickleBytes (renewed by each request the client writes; see
// SocketTransport). Fewer bytes than this per io_timeout is no link, only a
// server (or a middlebox) holding the run hostage.
inline constexpr size_t kTrickleBytes = 256;

// As WaitForFd, but waits at most min(timeout, *budget) and subtracts the
// time waited from *budget; when the budget runs out first, the error is a
// timeout that says the peer sends too slowly. A null budget: WaitForFd.
Status WaitForFdWithin(int fd, short events, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds* budget, std::string_view what);

// "Connection refused" for errno values, without the thread-unsafe strerror().
std::string ErrnoString(int err);

}  // namespace mailhoard::net
