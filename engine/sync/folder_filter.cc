#include "engine/sync/folder_filter.h"

#include "core/ascii.h"

namespace mailhoard::sync {
namespace {

bool IsInbox(std::string_view s) { return EqualsIgnoreAsciiCase(s, "INBOX"); }

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view name, std::optional<char> delimiter) {
  if (IsInbox(pattern) && IsInbox(name)) return true;
  // Iterative matcher with backtracking to the last wildcard: linear in
  // practice and free of recursion on hostile patterns.
  size_t p = 0, n = 0;
  size_t star_p = std::string_view::npos, star_n = 0;
  bool star_crosses = false;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '*' || pattern[p] == '%')) {
      star_crosses = pattern[p] == '*';
      star_p = p++;
      star_n = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p;
      ++n;
    } else if (star_p != std::string_view::npos &&
               (star_crosses || !delimiter || name[star_n] != *delimiter)) {
      p = star_p + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && (pattern[p] == '*' || pattern[p] == '%')) ++p;
  return p == pattern.size();
}

bool FolderFilter::Matches(std::string_view name, std::optional<char> delimiter) const {
  bool included = false;
  for (const auto& p : include_) included = included || GlobMatch(p, name, delimiter);
  if (!included) return false;
  for (const auto& p : exclude_) {
    if (GlobMatch(p, name, delimiter)) return false;
  }
  return true;
}

}  // namespace mailhoard::sync
