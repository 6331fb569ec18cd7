// The account-wide throttle window. Exchange throttles a mailbox, not a
// connection: after one connection is told to back off, a command or a
// new connection from any other one inside the window extends or
// escalates the throttling. Every connection of an account waits at this
// gate before it connects and before each command it sends.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>

#include "core/clock.h"
#include "core/status.h"

namespace mailhoard {

class ThrottleGate {
 public:
  // Called (from the thread that closed the gate) with the new window.
  using PauseCallback = std::function<void(std::chrono::milliseconds)>;

  explicit ThrottleGate(Clock& clock, const std::atomic<bool>* cancel = nullptr,
                        PauseCallback on_pause = nullptr);

  // No connection may send anything for `window` from now. A shorter window
  // never shortens one already running.
  void Close(std::chrono::milliseconds window);
  // Returns once the window has passed (at once if none); kCancelled if
  // `cancel` was set meanwhile.
  Status Wait();
  std::chrono::milliseconds Remaining();

 private:
  // Sleeps are sliced so that a signal stops a long wait promptly.
  static constexpr std::chrono::milliseconds kSlice{200};

  Clock& clock_;
  const std::atomic<bool>* cancel_;
  PauseCallback on_pause_;
  std::mutex mu_;
  Clock::TimePoint open_at_{};
};

}  // namespace mailhoard
