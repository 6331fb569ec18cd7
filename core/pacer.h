// How one account's connections wait between attempts: a RetryPolicy, a
// Clock, and the account's ThrottleGate. IMAP sync, POP3 sync and push use
// the same one, so a throttle is obeyed the same way everywhere.
#pragma once

#include <atomic>

#include "core/clock.h"
#include "core/retry_policy.h"
#include "core/throttle_gate.h"

namespace mailhoard {

class Pacer {
 public:
  // clock: null for the real one. on_pause: told of every throttle window.
  Pacer(const RetryPolicy& policy, Clock* clock, const std::atomic<bool>* cancel,
        ThrottleGate::PauseCallback on_pause);

  // Waits before the next attempt of one unit of work after `failure`;
  // false when it should give up (out of attempts, or a signal). A
  // throttle closes the gate for every connection and counts against
  // max_throttle_waits, anything else against attempts.
  bool Backoff(const Status& failure, int* attempt, int* throttles);

  ThrottleGate& gate() { return gate_; }
  Clock& clock() { return clock_; }
  const RetryPolicy& policy() const { return policy_; }

 private:
  RetryPolicy policy_;
  Clock& clock_;
  ThrottleGate gate_;
};

}  // namespace mailhoard
