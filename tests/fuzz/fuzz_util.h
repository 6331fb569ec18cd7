// Shared helpers of the libFuzzer targets: an oracle that aborts (so
// libFuzzer records a crash) and the input splitter most targets use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace mailhoard::fuzz {

inline void Check(bool cond) {
  if (!cond) std::abort();
}

// Reads the first byte of the input as option bits and drops it.
inline uint8_t TakeByte(const uint8_t*& data, size_t& size) {
  if (size == 0) return 0;
  const uint8_t b = data[0];
  ++data;
  --size;
  return b;
}

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Chunk sizes 1..64 from a linear congruential generator seeded by `seed`.
class Splitter {
 public:
  explicit Splitter(uint32_t seed) : state_(seed | 1) {}
  size_t Next(size_t remaining) {
    state_ = state_ * 1664525u + 1013904223u;
    const size_t n = 1 + (state_ >> 16) % 64;
    return n < remaining ? n : remaining;
  }

 private:
  uint32_t state_;
};

}  // namespace mailhoard::fuzz
