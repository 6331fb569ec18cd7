// Tokenizer for one segment of a response: the bytes between the start of a
// response (or the end of a literal) and the next CRLF. Internal to
// engine/imap; ResponseParser drives it segment by segment, and response
// codes are tokenized with it standalone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/imap/value.h"

namespace mailhoard::imap {

struct ParserLimits;

// The tree being built. Pointers in `stack` stay valid because only the
// innermost open list ever grows.
class ValueBuilder {
 public:
  ValueBuilder() { Reset(); }
  ValueBuilder(const ValueBuilder&) = delete;
  ValueBuilder& operator=(const ValueBuilder&) = delete;

  void Reset();
  Status Add(Value v, const ParserLimits& limits);
  Status Open(const ParserLimits& limits);
  Status Close();

  Value& root() { return root_; }
  const Value& root() const { return root_; }
  size_t depth() const { return stack_.size() - 1; }
  // The list currently being filled (the root at depth 0).
  const Value& top() const { return *stack_.back(); }

 private:
  Value root_;
  std::vector<Value*> stack_;
  size_t tokens_ = 0;
};

struct LiteralAnnounce {
  bool present = false;
  uint64_t size = 0;
  bool literal8 = false;  // ~{n}
};

// Tokenizes seg[pos…] into the builder. A literal announcement is legal only
// as the segment's last token; it is reported in *literal and the caller
// reads the literal bytes. Fails on malformed quoting, stray "{", control
// characters in atoms, unbalanced ")", and every limit.
Status TokenizeSegment(std::string_view seg, size_t pos, ValueBuilder& builder,
                       const ParserLimits& limits, LiteralAnnounce* literal);

}  // namespace mailhoard::imap
