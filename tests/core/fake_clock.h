// A Clock whose sleeps advance its time at once, and are recorded.
#pragma once

#include <mutex>
#include <vector>

#include "core/clock.h"

namespace mailhoard::testing {

class FakeClock final : public Clock {
 public:
  // Wall time starts in 2027, or where a test needs it (a real server's
  // idea of now, for tokens it checks).
  explicit FakeClock(WallTime wall = WallTime(std::chrono::seconds(1'800'000'000))) : wall_(wall) {}

  TimePoint Now() override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  WallTime WallNow() override {
    std::lock_guard<std::mutex> lock(mu_);
    return wall_;
  }
  void SleepFor(std::chrono::milliseconds d) override {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
    wall_ += d;
    slept_.push_back(d);
  }
  // Time passing while the code under test is not sleeping.
  void Advance(std::chrono::milliseconds d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
    wall_ += d;
  }
  std::vector<std::chrono::milliseconds> Slept() {
    std::lock_guard<std::mutex> lock(mu_);
    return slept_;
  }
  std::chrono::milliseconds TotalSlept() {
    std::lock_guard<std::mutex> lock(mu_);
    std::chrono::milliseconds total{0};
    for (auto d : slept_) total += d;
    return total;
  }
  size_t Sleeps() {
    std::lock_guard<std::mutex> lock(mu_);
    return slept_.size();
  }

 private:
  std::mutex mu_;
  TimePoint now_{std::chrono::hours(1)};
  WallTime wall_;
  std::vector<std::chrono::milliseconds> slept_;
};

// A clock stopped at Unix 1,700,000,000 (November 2023), for the Archives
// of tests: what they stamp into the index is then the same on every run.
inline FakeClock& ArchiveTestClock() {
  static FakeClock clock(FakeClock::WallTime(std::chrono::seconds(1'700'000'000)));
  return clock;
}

}  // namespace mailhoard::testing
