// IDLE (RFC 2177): wait for the server to report new or removed mail.
#pragma once

#include <chrono>
#include <functional>

#include "core/status.h"
#include "engine/imap/client/session.h"

namespace mailhoard::imap {

enum class IdleResult { kChanged, kTimeout };

// RFC 2177 §3: clients should re-issue IDLE at least every 29 minutes.
inline constexpr std::chrono::minutes kMaxIdle{29};

// Sends IDLE, waits until an EXISTS, EXPUNGE, VANISHED or FETCH arrives
// (each is passed to on_event) or `timeout` (capped at kMaxIdle) passes,
// then sends DONE and reads the completion. Needs the IDLE capability and a
// mailbox open (EXAMINE). The wait uses the socket's read timeout; with a
// transport that is not a socket, only events end it.
Result<IdleResult> Idle(OpContext ctx, std::chrono::milliseconds timeout,
                        const std::function<void(const Response&)>& on_event);

}  // namespace mailhoard::imap
