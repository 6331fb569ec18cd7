#include <atomic>
#include <catch2/catch.hpp>

#include "core/retry_policy.h"
#include "core/throttle_gate.h"
#include "tests/core/fake_clock.h"

namespace mailhoard {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;

TEST_CASE("RetryPolicy: the server's hint wins, else exponential, capped") {
  RetryPolicy p;
  p.backoff = 100ms;
  p.max_backoff = 1000ms;
  Status network = NetworkError("reset");
  CHECK(p.Delay(network, 0) == 100ms);
  CHECK(p.Delay(network, 2) == 400ms);
  CHECK(p.Delay(network, 9) == 1000ms);
  CHECK(p.Delay(network, 1000) == 1000ms);
  Status hinted = Status::Error(ErrorCode::kServerNo, "throttled").WithRetryAfter(700ms);
  CHECK(p.Delay(hinted, 3) == 700ms);
  CHECK(p.Delay(Status::Error(ErrorCode::kServerNo, "x").WithRetryAfter(90s), 0) == 1000ms);
}

TEST_CASE("IsThrottle: hints and try-later refusals, not dropped connections") {
  CHECK(IsThrottle(Status::Error(ErrorCode::kServerBye, "bye").WithRetryAfter(2s)));
  CHECK(IsThrottle(Status::Error(ErrorCode::kServerNo, "[UNAVAILABLE]", ErrorScope::kAccount,
                                 RetryClass::kTransient)));
  CHECK_FALSE(IsThrottle(NetworkError("connection reset")));
  CHECK_FALSE(IsThrottle(Status::Error(ErrorCode::kServerBye, "shutting down", ErrorScope::kAccount,
                                       RetryClass::kTransient)));
  CHECK_FALSE(IsThrottle(Status::Error(ErrorCode::kServerNo, "no such mailbox")));
}

TEST_CASE("ThrottleGate holds everyone for the longest window, then opens") {
  FakeClock clock;
  std::vector<std::chrono::milliseconds> pauses;
  ThrottleGate gate(clock, nullptr, [&](std::chrono::milliseconds d) { pauses.push_back(d); });
  CHECK(gate.Wait().ok());
  CHECK(clock.Sleeps() == 0);
  gate.Close(1000ms);
  gate.Close(300ms);  // never shortens the window
  CHECK(gate.Remaining() == 1000ms);
  CHECK(pauses == std::vector<std::chrono::milliseconds>{1000ms});
  CHECK(gate.Wait().ok());
  CHECK(clock.TotalSlept() == 1000ms);
  CHECK(clock.Sleeps() > 1);  // sliced, so that a signal is noticed
  CHECK(gate.Remaining() == 0ms);
  CHECK(gate.Wait().ok());
  CHECK(clock.TotalSlept() == 1000ms);
}

TEST_CASE("ThrottleGate: a signal ends the wait") {
  FakeClock clock;
  std::atomic<bool> cancel{false};
  ThrottleGate gate(clock, &cancel);
  gate.Close(std::chrono::minutes(10));
  cancel = true;
  Status s = gate.Wait();
  CHECK(s.code() == ErrorCode::kCancelled);
  CHECK(clock.TotalSlept() == 0ms);
}

}  // namespace
}  // namespace mailhoard
