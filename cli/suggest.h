// "Did you mean ...?" for misspelt config keys and command-line words.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mailhoard::cli {

// Edit distance with insert, delete, substitute and swapping two adjacent
// characters ("hots" -> "host"), all cost 1 (optimal string alignment).
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a plausible
// typo: at most 2 edits, and fewer edits than half the word's length (so
// "to" does not suggest "tls").
std::optional<std::string> DidYouMean(std::string_view word,
                                      std::span<const std::string_view> candidates);

}  // namespace mailhoard::cli
