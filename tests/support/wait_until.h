// Waiting for an event instead of sleeping a fixed time.
//
// A test that sleeps "long enough" for a child to start, a thread to block or
// a file to appear passes on a quiet machine and fails under ctest -j with
// ASan on two cores. These helpers wait on the event itself; their deadline
// only bounds a hang (a real failure) and is deliberately generous, so it
// never paces a passing test.
#pragma once

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace mailhoard::testing {

// Generous on purpose: reached only when the awaited event never happens.
inline constexpr std::chrono::seconds kEventDeadline{120};

// Polls `done` until it returns true or `timeout` has passed; returns whether
// it became true. `done` is evaluated once more at the deadline.
template <typename Predicate>
bool WaitUntil(Predicate&& done, std::chrono::milliseconds timeout = kEventDeadline,
               std::chrono::milliseconds step = std::chrono::milliseconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return done();
    std::this_thread::sleep_for(step);
  }
}

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Waits until the file at `path` (a child's stdout or stderr redirected
// there) contains `text`; returns the file's contents then (or at the
// deadline, for the failure message).
inline std::string WaitForFileContaining(const std::string& path, const std::string& text,
                                         std::chrono::milliseconds timeout = kEventDeadline) {
  std::string contents;
  WaitUntil(
      [&] {
        contents = ReadWholeFile(path);
        return contents.find(text) != std::string::npos;
      },
      timeout);
  return contents;
}

}  // namespace mailhoard::testing
