// How many terminal columns a UTF-8 string takes, for lining up columns
// after folder names such as "Entwürfe" or "已发送" (printf's %-32s counts
// bytes, so every non-ASCII name pushed the columns after it right).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mailhoard::cli {

// Wide East Asian characters and emoji take 2 columns, combining marks and
// zero-width characters 0, everything else 1; a byte that is not valid UTF-8
// counts 1 (it is shown as one replacement character).
size_t DisplayWidth(std::string_view utf8);

// `text` followed by spaces up to `columns` (nothing added when wider).
std::string PadRight(std::string_view text, size_t columns);

}  // namespace mailhoard::cli
