// A message's flags as the server names them ("\\Seen", "$Forwarded"),
// canonical: sorted case-insensitively, no duplicates, no \Recent (a
// session-only flag that must never make two runs disagree).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mailhoard::sync {

class FlagSet {
 public:
  FlagSet() = default;
  explicit FlagSet(const std::vector<std::string>& flags);
  // Parses the space-separated form produced by ToString().
  static FlagSet Parse(std::string_view text);

  bool Has(std::string_view flag) const;
  const std::vector<std::string>& flags() const { return flags_; }
  // System flags only (backslash), for the Maildir info suffix.
  std::vector<std::string> SystemFlags() const;
  // Keywords only ($Forwarded, $Junk, custom), kept in the index.
  std::vector<std::string> Keywords() const;
  std::string ToString() const;  // "\\Answered \\Seen $Forwarded"

  bool operator==(const FlagSet& other) const;
  bool operator!=(const FlagSet& other) const { return !(*this == other); }

 private:
  std::vector<std::string> flags_;
};

}  // namespace mailhoard::sync
