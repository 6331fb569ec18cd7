// Time as the retry code sees it: injected, so tests of backoff and
// throttle windows neither wait real seconds nor race the scheduler.
#pragma once

#include <chrono>

namespace mailhoard {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint Now() = 0;
  virtual void SleepFor(std::chrono::milliseconds duration) = 0;
};

// steady_clock and this_thread::sleep_for.
Clock& RealClock();

}  // namespace mailhoard
