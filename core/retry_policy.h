// One backoff and retry policy for every protocol (IMAP, POP3, and the
// IMAP target of push): how long to wait after a transient failure, and
// whether the failure is the server throttling the whole account.
#pragma once

#include <chrono>

#include "core/status.h"

namespace mailhoard {

struct RetryPolicy {
  int attempts = 4;  // tries of one unit of work that makes no progress
  std::chrono::milliseconds backoff{500};
  std::chrono::milliseconds max_backoff{std::chrono::minutes(2)};
  // Throttle waits of one unit of work, on top of `attempts`: a server that
  // says "come back in N ms" is obeyed, not counted as a failure, but not
  // forever either.
  int max_throttle_waits = 30;

  // The wait before attempt `attempt + 1` (0-based): the server's own
  // suggestion (Microsoft's "Suggested Backoff Time") when it gave one,
  // else exponential from `backoff`, at most `max_backoff`.
  std::chrono::milliseconds Delay(const Status& failure, int attempt) const;
};

// The server asked the account to slow down ([THROTTLED], [UNAVAILABLE],
// [LIMIT], a backoff hint in a NO or BYE, POP3 [IN-USE]/[SYS/TEMP] with a
// hint): every connection of the account waits, not only this one.
bool IsThrottle(const Status& failure);

}  // namespace mailhoard
