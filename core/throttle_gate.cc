#include "core/throttle_gate.h"

#include <algorithm>

namespace mailhoard {

ThrottleGate::ThrottleGate(Clock& clock, const std::atomic<bool>* cancel, PauseCallback on_pause)
    : clock_(clock), cancel_(cancel), on_pause_(std::move(on_pause)) {}

void ThrottleGate::Close(std::chrono::milliseconds window) {
  bool extended = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Clock::TimePoint until = clock_.Now() + window;
    if (until > open_at_) {
      open_at_ = until;
      extended = true;
    }
  }
  if (extended && on_pause_) on_pause_(window);
}

std::chrono::milliseconds ThrottleGate::Remaining() {
  std::lock_guard<std::mutex> lock(mu_);
  auto now = clock_.Now();
  if (now >= open_at_) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(open_at_ - now);
}

Status ThrottleGate::Wait() {
  for (;;) {
    if (cancel_ && cancel_->load()) {
      return Status::Error(ErrorCode::kCancelled, "stopped by a signal");
    }
    std::chrono::milliseconds left = Remaining();
    if (left.count() <= 0) return Status::Ok();
    clock_.SleepFor(std::min(left, kSlice));
  }
}

}  // namespace mailhoard
