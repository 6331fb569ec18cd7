#include "core/pacer.h"

namespace mailhoard {

Pacer::Pacer(const RetryPolicy& policy, Clock* clock, const std::atomic<bool>* cancel,
             ThrottleGate::PauseCallback on_pause)
    : policy_(policy),
      clock_(clock ? *clock : RealClock()),
      gate_(clock_, cancel, std::move(on_pause)) {}

bool Pacer::Backoff(const Status& failure, int* attempt, int* throttles) {
  if (IsThrottle(failure)) {
    if (++*throttles > policy_.max_throttle_waits) return false;
    gate_.Close(policy_.Delay(failure, *throttles - 1));
    return gate_.Wait().ok();
  }
  if (++*attempt >= policy_.attempts) return false;
  clock_.SleepFor(policy_.Delay(failure, *attempt - 1));
  return gate_.Wait().ok();  // a throttle from another connection meanwhile
}

}  // namespace mailhoard
