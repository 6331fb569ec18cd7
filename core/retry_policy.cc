#include "core/retry_policy.h"

#include <algorithm>

namespace mailhoard {

std::chrono::milliseconds RetryPolicy::Delay(const Status& failure, int attempt) const {
  if (failure.retry_after()) return std::min(*failure.retry_after(), max_backoff);
  return std::min(backoff * (1 << std::clamp(attempt, 0, 16)), max_backoff);
}

bool IsThrottle(const Status& failure) {
  if (failure.retry_after()) return true;
  // A tagged refusal marked transient carried one of the "try later" codes;
  // a bare BYE or a dropped connection is not the server throttling.
  return failure.transient() &&
         (failure.code() == ErrorCode::kServerNo || failure.code() == ErrorCode::kServerBad);
}

}  // namespace mailhoard
