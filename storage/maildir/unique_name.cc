#include "storage/maildir/unique_name.h"

#include <sys/random.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>

namespace mailhoard::maildir {
namespace {

// SplitMix64: cheap, and good enough to turn a seeded counter into distinct
// random-looking bits. Uniqueness does not depend on it being secret.
uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t KernelSeed() {
  uint64_t seed = 0;
  if (getrandom(&seed, sizeof seed, 0) != static_cast<ssize_t>(sizeof seed)) {
    struct timeval tv;
    gettimeofday(&tv, nullptr);
    seed = (static_cast<uint64_t>(tv.tv_sec) << 20) ^ static_cast<uint64_t>(tv.tv_usec) ^
           (static_cast<uint64_t>(getpid()) << 40);
  }
  return seed;
}

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

WallTime RealClock() {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  return WallTime{tv.tv_sec, tv.tv_usec};
}

}  // namespace

std::string SanitizeHost(std::string_view host) {
  if (host.empty()) return "localhost";
  std::string out;
  for (unsigned char c : host) {
    if (c == '/' || c == ':' || c == ',' || c == '\\' || c < 0x20 || c == 0x7f) {
      char esc[5];
      std::snprintf(esc, sizeof esc, "\\%03o", c);
      out += esc;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

UniqueNameGenerator::UniqueNameGenerator()
    : UniqueNameGenerator(RealClock, getpid(), HostName(), KernelSeed()) {}

UniqueNameGenerator::UniqueNameGenerator(std::function<WallTime()> clock, int64_t pid,
                                         std::string_view host, uint64_t seed)
    : clock_(std::move(clock)), pid_(pid), host_(SanitizeHost(host)), state_(seed) {}

std::string UniqueNameGenerator::Next() {
  WallTime now = clock_();
  uint64_t counter, random;
  {
    std::lock_guard<std::mutex> lock(mu_);
    counter = ++counter_;
    random = SplitMix(state_);
  }
  char buf[128];
  std::snprintf(buf, sizeof buf, "%lld.M%lldP%lldQ%lluR%016llx.", static_cast<long long>(now.sec),
                static_cast<long long>(now.usec), static_cast<long long>(pid_),
                static_cast<unsigned long long>(counter), static_cast<unsigned long long>(random));
  return buf + host_;
}

}  // namespace mailhoard::maildir
