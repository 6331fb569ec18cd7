// Which folders an account syncs: include/exclude glob patterns over decoded
// UTF-8 folder names, as in mbsync's Patterns (`*` matches anything,
// including the hierarchy delimiter; `%` anything but the delimiter, as in
// IMAP LIST). A folder is synced when it matches an include pattern and no
// exclude pattern. Matching is exact (case-sensitive) except that INBOX
// matches in any case (RFC 3501 §5.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailhoard::sync {

class FolderFilter {
 public:
  FolderFilter() : include_({"*"}) {}
  FolderFilter(std::vector<std::string> include, std::vector<std::string> exclude)
      : include_(std::move(include)), exclude_(std::move(exclude)) {}

  bool Matches(std::string_view name, std::optional<char> delimiter) const;

 private:
  std::vector<std::string> include_;
  std::vector<std::string> exclude_;
};

bool GlobMatch(std::string_view pattern, std::string_view name, std::optional<char> delimiter);

}  // namespace mailhoard::sync
