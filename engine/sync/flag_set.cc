#include "engine/sync/flag_set.h"

#include <algorithm>

#include "core/ascii.h"

namespace mailhoard::sync {
namespace {

bool LessNoCase(const std::string& a, const std::string& b) { return LessIgnoreAsciiCase(a, b); }
bool EqualNoCase(std::string_view a, std::string_view b) { return EqualsIgnoreAsciiCase(a, b); }

}  // namespace

FlagSet::FlagSet(const std::vector<std::string>& flags) {
  for (const auto& f : flags) {
    if (f.empty() || EqualNoCase(f, "\\Recent")) continue;
    flags_.push_back(f);
  }
  // System flags are case-insensitive (RFC 3501 §2.3.2); so are keywords in
  // practice, and servers echo them in their own case.
  std::sort(flags_.begin(), flags_.end(), LessNoCase);
  flags_.erase(
      std::unique(flags_.begin(), flags_.end(),
                  [](const std::string& a, const std::string& b) { return EqualNoCase(a, b); }),
      flags_.end());
}

FlagSet FlagSet::Parse(std::string_view text) {
  std::vector<std::string> flags;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    if (end > pos) flags.emplace_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return FlagSet(flags);
}

bool FlagSet::Has(std::string_view flag) const {
  return std::any_of(flags_.begin(), flags_.end(),
                     [&](const std::string& f) { return EqualNoCase(f, flag); });
}

std::vector<std::string> FlagSet::SystemFlags() const {
  std::vector<std::string> out;
  for (const auto& f : flags_)
    if (f[0] == '\\') out.push_back(f);
  return out;
}

std::vector<std::string> FlagSet::Keywords() const {
  std::vector<std::string> out;
  for (const auto& f : flags_)
    if (f[0] != '\\') out.push_back(f);
  return out;
}

std::string FlagSet::ToString() const {
  std::string out;
  for (const auto& f : flags_) {
    if (!out.empty()) out += ' ';
    out += f;
  }
  return out;
}

bool FlagSet::operator==(const FlagSet& other) const {
  if (flags_.size() != other.flags_.size()) return false;
  for (size_t i = 0; i < flags_.size(); ++i) {
    if (!EqualNoCase(flags_[i], other.flags_[i])) return false;
  }
  return true;
}

}  // namespace mailhoard::sync
