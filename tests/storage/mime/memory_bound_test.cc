// Checks that scanning is bounded in memory, whatever the message size: a
// replaced global operator new tracks live heap bytes, and the peak while a
// 20 MB message streams through must stay near the configured caps.
#include <malloc.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <new>
#include <string>

#include "storage/mime/message_scanner.h"

namespace {
std::atomic<size_t> g_live{0};
std::atomic<size_t> g_peak{0};

void* Track(void* p) {
  if (p == nullptr) throw std::bad_alloc();
  size_t now = g_live.fetch_add(malloc_usable_size(p)) + malloc_usable_size(p);
  size_t peak = g_peak.load();
  while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
  }
  return p;
}
void Untrack(void* p) {
  if (p == nullptr) return;
  g_live.fetch_sub(malloc_usable_size(p));
  std::free(p);
}
}  // namespace

void* operator new(size_t n) { return Track(std::malloc(n == 0 ? 1 : n)); }
void* operator new[](size_t n) { return Track(std::malloc(n == 0 ? 1 : n)); }
void operator delete(void* p) noexcept { Untrack(p); }
void operator delete[](void* p) noexcept { Untrack(p); }
void operator delete(void* p, size_t) noexcept { Untrack(p); }
void operator delete[](void* p, size_t) noexcept { Untrack(p); }

namespace mailhoard::mime {
namespace {

size_t PeakWhileScanning(const std::string& head, const std::string& chunk, size_t total) {
  MessageScanner s;  // default caps: 256 KiB header, 256 KiB text
  size_t base = g_live.load();
  g_peak.store(base);
  s.Feed(head);
  for (size_t fed = 0; fed < total; fed += chunk.size()) s.Feed(chunk);
  s.Feed("\r\n--B--\r\n");
  s.Finish();
  return g_peak.load() - base;
}

TEST_CASE("Scanning 20 MB keeps memory bounded by the caps", "[mime][scanner][memory]") {
  const size_t kTotal = 20u << 20;
  const size_t kBound = 2u << 20;  // caps (512 KiB) plus scratch, with room
  std::string text_line = "The quick brown fox jumps over the lazy dog. \r\n";
  std::string text_chunk;
  while (text_chunk.size() < 64 * 1024) text_chunk += text_line;

  SECTION("plain text beyond the cap") {
    std::string head = "Content-Type: text/plain\r\n\r\n";
    CHECK(PeakWhileScanning(head, text_chunk, kTotal) < kBound);
  }
  SECTION("quoted-printable HTML that yields little text") {
    std::string head =
        "Content-Type: multipart/alternative; boundary=B\r\n\r\n--B\r\n"
        "Content-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
    std::string html;
    while (html.size() < 64 * 1024) html += "<div style=3D\"x\"><span>w</span></div>=\r\n";
    CHECK(PeakWhileScanning(head, html, kTotal) < kBound);
  }
  SECTION("a single line with no line break at all") {
    std::string head =
        "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n"
        "Content-Type: text/plain\r\n\r\n";
    CHECK(PeakWhileScanning(head, std::string(64 * 1024, '-'), kTotal) < kBound);
  }
  SECTION("an endless part header") {
    std::string head = "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n";
    CHECK(PeakWhileScanning(head, "X-Header: " + std::string(1000, 'h') + "\r\n", kTotal) < kBound);
  }
  SECTION("an endless top-level header") {
    CHECK(PeakWhileScanning("", "Received: " + std::string(1000, 'r') + "\r\n", kTotal) < kBound);
  }
}

}  // namespace
}  // namespace mailhoard::mime
