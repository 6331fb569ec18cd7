#include "cli/suggest.h"

#include <algorithm>
#include <vector>

namespace mailhoard::cli {

size_t EditDistance(std::string_view a, std::string_view b) {
  // Three rows: the transposition step looks two rows back.
  std::vector<size_t> before(b.size() + 1), prev(b.size() + 1), row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        row[j] = std::min(row[j], before[j - 2] + 1);
      }
    }
    std::swap(before, prev);
    std::swap(prev, row);
  }
  return prev[b.size()];
}

std::optional<std::string> DidYouMean(std::string_view word,
                                      std::span<const std::string_view> candidates) {
  std::optional<std::string> best;
  size_t best_distance = 3;  // anything at 3 or more edits is not a typo
  for (std::string_view c : candidates) {
    const size_t d = EditDistance(word, c);
    if (d < best_distance && d * 2 < std::max(word.size(), c.size())) {
      best = std::string(c);
      best_distance = d;
    }
  }
  return best;
}

}  // namespace mailhoard::cli
