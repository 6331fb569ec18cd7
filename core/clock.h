// Time as the retry and OAuth code see it: injected, so tests of backoff,
// throttle windows and token expiry neither wait real seconds nor race the
// scheduler.
#pragma once

#include <chrono>

namespace mailhoard {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using WallTime = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint Now() = 0;
  // Calendar time, for times kept beyond the process: an OAuth token's
  // expiry is stored on disk and checked by the next run. Waits and
  // deadlines within a run use Now().
  virtual WallTime WallNow() = 0;
  virtual void SleepFor(std::chrono::milliseconds duration) = 0;
};

// steady_clock, system_clock and this_thread::sleep_for.
Clock& RealClock();

}  // namespace mailhoard
