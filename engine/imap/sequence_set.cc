#include "engine/imap/sequence_set.h"

#include <algorithm>

namespace mailhoard::imap {

namespace {

Result<uint32_t> ParseSeqNumber(std::string_view s) {
  if (s == "*") return SequenceSet::kStar;
  if (s.empty() || s.size() > 10) return ProtocolError("bad number in sequence set");
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return ProtocolError("bad number in sequence set");
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (n == 0 || n > UINT32_MAX) return ProtocolError("sequence number out of range");
  return static_cast<uint32_t>(n);
}

void AppendRange(std::string* out, const SequenceSet::Range& r) {
  auto num = [](uint32_t n) {
    return n == SequenceSet::kStar ? std::string("*") : std::to_string(n);
  };
  *out += num(r.first);
  if (r.first != r.last) *out += ":" + num(r.last);
}

}  // namespace

Result<SequenceSet> SequenceSet::Parse(std::string_view text) {
  SequenceSet set;
  if (text.empty()) return ProtocolError("empty sequence set");
  size_t pos = 0;
  while (true) {
    size_t comma = text.find(',', pos);
    std::string_view item =
        text.substr(pos, comma == std::string_view::npos ? text.npos : comma - pos);
    size_t colon = item.find(':');
    if (colon == std::string_view::npos) {
      MH_ASSIGN_OR_RETURN(uint32_t n, ParseSeqNumber(item));
      set.AddRange(n, n);
    } else {
      MH_ASSIGN_OR_RETURN(uint32_t a, ParseSeqNumber(item.substr(0, colon)));
      MH_ASSIGN_OR_RETURN(uint32_t b, ParseSeqNumber(item.substr(colon + 1)));
      set.AddRange(a, b);
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return set;
}

SequenceSet SequenceSet::FromSorted(std::span<const uint32_t> sorted) {
  SequenceSet set;
  for (uint32_t n : sorted) {
    if (n == 0) continue;
    if (!set.ranges_.empty()) {
      Range& back = set.ranges_.back();
      if (n <= back.last) continue;  // duplicate
      if (n == back.last + 1) {
        back.last = n;
        continue;
      }
    }
    set.ranges_.push_back(Range{n, n});
  }
  return set;
}

void SequenceSet::AddRange(uint32_t first, uint32_t last) {
  if (first != kStar && last != kStar && first > last) std::swap(first, last);
  if (first == kStar && last != kStar) std::swap(first, last);
  ranges_.push_back(Range{first, last});
}

bool SequenceSet::Contains(uint32_t n) const {
  for (const Range& r : ranges_) {
    if (r.first == kStar) continue;  // "*" alone: unknown value
    if (r.last == kStar ? n >= r.first : (n >= r.first && n <= r.last)) return true;
  }
  return false;
}

uint64_t SequenceSet::CountKnown() const {
  uint64_t total = 0;
  for (const Range& r : ranges_) {
    if (r.first == kStar) continue;
    total += r.last == kStar ? 1 : uint64_t{r.last} - r.first + 1;
  }
  return total;
}

Result<std::vector<uint32_t>> SequenceSet::Expand(size_t limit) const {
  std::vector<uint32_t> out;
  for (const Range& r : ranges_) {
    if (r.first == kStar || r.last == kStar) {
      return InvalidArgument("cannot expand a sequence set containing '*'");
    }
    if (uint64_t{r.last} - r.first + 1 > limit - out.size()) {
      return ProtocolError("sequence set has more than " + std::to_string(limit) + " members");
    }
    for (uint64_t n = r.first; n <= r.last; ++n) out.push_back(static_cast<uint32_t>(n));
  }
  return out;
}

std::string SequenceSet::ToString() const {
  std::string out;
  for (const Range& r : ranges_) {
    if (!out.empty()) out += ',';
    AppendRange(&out, r);
  }
  return out;
}

std::vector<std::string> SequenceSet::ToChunks(size_t max_len) const {
  std::vector<std::string> chunks;
  std::string current;
  std::string piece;
  for (const Range& r : ranges_) {
    piece.clear();
    AppendRange(&piece, r);
    // A single range is at most 21 bytes and is never split; a max_len
    // below that still yields one range per chunk.
    if (!current.empty() && current.size() + 1 + piece.size() > max_len) {
      chunks.push_back(std::move(current));
      current.clear();
    }
    if (!current.empty()) current += ',';
    current += piece;
  }
  if (!current.empty()) chunks.push_back(std::move(current));
  return chunks;
}

}  // namespace mailhoard::imap
