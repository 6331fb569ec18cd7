// Unique parts of Maildir file names:
//   <sec>.M<usec>P<pid>Q<counter>R<random>.<host>
// Time + pid + a per-generator counter make names unique inside one host
// (as Dovecot does); 64 random bits make them unique across hosts sharing a
// volume and across pid reuse after a reboot with a stepped clock.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace mailhoard::maildir {

struct WallTime {
  int64_t sec = 0;
  int64_t usec = 0;
};

class UniqueNameGenerator {
 public:
  // Real clock, real pid, host name from gethostname(), seed from the kernel.
  UniqueNameGenerator();
  // For tests: everything injected.
  UniqueNameGenerator(std::function<WallTime()> clock, int64_t pid, std::string_view host,
                      uint64_t seed);

  // Thread-safe: folder workers deliver in parallel.
  std::string Next();

  const std::string& host() const { return host_; }

 private:
  std::function<WallTime()> clock_;
  int64_t pid_;
  std::string host_;  // already sanitised
  std::mutex mu_;
  uint64_t counter_ = 0;
  uint64_t state_;
};

// Escapes a host name for use in a file name: '/' as "\057" and ':' as
// "\072" (maildir spec), and ',' as "\054" (Dovecot), since ',' separates our
// fields. Control characters and '\' are escaped the same way; an empty host
// becomes "localhost".
std::string SanitizeHost(std::string_view host);

}  // namespace mailhoard::maildir
