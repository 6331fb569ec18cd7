// A parsed RFC 5322 header block: unfolded fields with case-insensitive
// lookup, plus the few decoded values the index stores.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailhoard::mime {

struct HeaderField {
  std::string name;   // as written (case preserved), surrounding blanks trimmed
  std::string value;  // unfolded (RFC 5322 §2.2.3), leading/trailing blanks trimmed, raw bytes
};

class HeaderBlock {
 public:
  HeaderBlock() = default;

  // Parses everything up to the first empty line (or the end of `raw`, which
  // may be cut mid-field by a size cap). CRLF and bare LF both end lines.
  // Lines that are neither a "name:" field nor a continuation are skipped
  // (an mbox "From " line, garbage); it never fails.
  static HeaderBlock Parse(std::string_view raw);

  const std::vector<HeaderField>& fields() const { return fields_; }

  // Case-insensitive lookup of the raw unfolded value.
  std::optional<std::string_view> First(std::string_view name) const;
  std::vector<std::string_view> All(std::string_view name) const;

  // First(name) decoded per RFC 2047 into valid UTF-8 (see encoded_words.h);
  // nullopt when the field is absent.
  std::optional<std::string> Decoded(std::string_view name) const;
  // All occurrences decoded and joined with ", " (To/Cc may repeat).
  std::optional<std::string> DecodedJoined(std::string_view name) const;

  // Message-ID normalised (see NormalizeMessageId).
  std::optional<std::string> MessageId() const;
  // Date parsed to seconds since the epoch, UTC (see date.h).
  std::optional<std::time_t> Date() const;

 private:
  std::vector<HeaderField> fields_;
};

// Normalised form stored in the index: the id WITHOUT angle brackets
// ("1234@example.com"), comments and folding whitespace removed, case kept
// (the local part is case-sensitive). The first <...> is used; with no
// brackets (broken mailers) the first whitespace-delimited word. Empty or
// over 998 bytes (RFC 5322 §2.1.1 line limit) gives nullopt.
std::optional<std::string> NormalizeMessageId(std::string_view value);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace mailhoard::mime
