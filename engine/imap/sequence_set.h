// SequenceSet: RFC 3501 §9 sequence-set ("1:5,7,9:*"), for UIDs and
// message sequence numbers alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mailhoard::imap {

class SequenceSet {
 public:
  // "*": the largest number in use. 0 is never a valid sequence number or
  // UID (nz-number), so it stands for "*".
  static constexpr uint32_t kStar = 0;

  struct Range {
    uint32_t first = 0;  // first <= last unless one of them is kStar
    uint32_t last = 0;
    bool operator==(const Range&) const = default;
  };

  SequenceSet() = default;

  // nz-numbers up to 2^32-1 and "*", "," separated, ":" ranges; "3:1" is
  // normalised to 1:3 (RFC 3501 §9 says the order does not matter).
  static Result<SequenceSet> Parse(std::string_view text);
  // Compact ranges from ascending UIDs (duplicates allowed, zeros ignored).
  static SequenceSet FromSorted(std::span<const uint32_t> sorted);

  void AddRange(uint32_t first, uint32_t last);
  const std::vector<Range>& ranges() const { return ranges_; }
  bool empty() const { return ranges_.empty(); }

  // Whether n is in the set; "*" ranges count as open-ended upwards.
  bool Contains(uint32_t n) const;
  // Number of members, ranges with "*" not counted beyond their known end.
  uint64_t CountKnown() const;
  // Every member, in set order; fails if there are more than `limit` or "*".
  Result<std::vector<uint32_t>> Expand(size_t limit) const;

  std::string ToString() const;
  // The set split into pieces whose text is at most max_len bytes each, so a
  // "UID FETCH <set> …" command stays under server line limits (Microsoft
  // 365 rejects commands much beyond ~4 KB with "BAD Command Argument Error").
  std::vector<std::string> ToChunks(size_t max_len) const;

  bool operator==(const SequenceSet&) const = default;

 private:
  std::vector<Range> ranges_;
};

}  // namespace mailhoard::imap
