#include "engine/imap/fetch_item.h"

#include "engine/imap/value.h"

namespace mailhoard::imap {

std::optional<FetchItemName> SplitFetchItemName(std::string_view item) {
  FetchItemName out;
  size_t open = item.find('[');
  if (open == std::string_view::npos) {
    out.name = ToUpperAscii(item);
    return out;
  }
  size_t close = item.rfind(']');
  if (close == std::string_view::npos || close < open) return std::nullopt;
  out.name = ToUpperAscii(item.substr(0, open));
  out.has_section = true;
  out.section = std::string(item.substr(open + 1, close - open - 1));
  std::string_view rest = item.substr(close + 1);
  if (rest.empty()) return out;
  if (rest.size() < 3 || rest.front() != '<' || rest.back() != '>') return std::nullopt;
  uint64_t origin = 0;
  for (char c : rest.substr(1, rest.size() - 2)) {
    if (c < '0' || c > '9') return std::nullopt;
    if (origin > (UINT64_MAX - 9) / 10) return std::nullopt;
    origin = origin * 10 + static_cast<uint64_t>(c - '0');
  }
  out.origin = origin;
  return out;
}

bool IsBodyContentItem(const FetchItemName& item) {
  const std::string& n = item.name;
  if (item.has_section) {
    return n == "BODY" || n == "BODY.PEEK" || n == "BINARY" || n == "BINARY.PEEK";
  }
  return n == "RFC822" || n == "RFC822.HEADER" || n == "RFC822.TEXT";
}

}  // namespace mailhoard::imap
