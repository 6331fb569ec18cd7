// A Clock whose sleeps advance its time at once, and are recorded.
#pragma once

#include <mutex>
#include <vector>

#include "engine/core/clock.h"

namespace mailhoard::testing {

class FakeClock final : public Clock {
 public:
  TimePoint Now() override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void SleepFor(std::chrono::milliseconds d) override {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
    slept_.push_back(d);
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
  std::vector<std::chrono::milliseconds> slept_;
};

}  // namespace mailhoard::testing
