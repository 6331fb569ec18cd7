// Remote folder name → directory under the account root, and back.
//
// The input is a decoded UTF-8 remote folder name and its hierarchy
// delimiter (or none). The output is a relative path that can never leave
// the account root, whatever the server sends. Two layouts:
//
//   maildir++  INBOX is the account root itself; every other folder is one
//              directory ".A.B.C" directly under it (Courier, Dovecot).
//   nested     one directory per hierarchy level; INBOX is "INBOX/". A folder
//              directory holds cur/ new/ tmp/ for its own messages next to
//              its child folders' directories.
//
// Each hierarchy level (component) is encoded separately, reversibly:
//   - these bytes become "%XX" (upper-case hex): control characters and DEL,
//     '/', '\', '%', bytes of invalid UTF-8; in maildir++ every '.', in nested
//     a leading '.' (so "." and ".." and hidden names cannot arise);
//   - in nested, a component spelling cur, new or tmp in any case gets its
//     first letter escaped ("%63ur") so it cannot be mistaken for the
//     parent's own cur/ new/ tmp/;
//   - an empty component ("a//b", trailing delimiter) becomes "%";
//   - everything else (including non-ASCII UTF-8) is kept as is.
// A '%' not followed by two hex digits marks a path that is not reversible:
//   - "%%" + 16 hex digits of SHA-256: a directory name over 255 bytes was
//     cut at a character boundary and hashed;
//   - "%~" + n (n >= 2): the n-th folder whose name collided, ignoring ASCII
//     case, with one already assigned (so "Work" and "work" both survive on a
//     case-insensitive file system). Unicode case folding and normalisation
//     (macOS) are not considered.
// For such paths the index, which stores every assignment, is the source of
// truth; RemoteName() refuses them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mailhoard::maildir {

enum class Layout { kMaildirPlusPlus, kNested };

class FolderPathMapper {
 public:
  explicit FolderPathMapper(Layout layout) : layout_(layout) {}

  Layout layout() const { return layout_; }

  // The path a name maps to before any disambiguation. INBOX (any case) is
  // "" in maildir++ and "INBOX" in nested. Fails only for an empty name.
  Result<std::string> CanonicalPath(std::string_view remote_name,
                                    std::optional<char> delimiter) const;

  // The path for a folder not yet in the index: the canonical path, or, if
  // that equals (ignoring ASCII case) one of `taken` — the paths already
  // assigned to other folders — the first free "%~2", "%~3", ... variant.
  // Deterministic for a given `taken`.
  Result<std::string> Assign(std::string_view remote_name, std::optional<char> delimiter,
                             const std::vector<std::string>& taken) const;

  // The remote name of a canonical path. kNotFound for paths that were
  // shortened, disambiguated or are not of this layout: ask the index.
  Result<std::string> RemoteName(std::string_view relative_path,
                                 std::optional<char> delimiter) const;

 private:
  Layout layout_;
};

// The on-disk name length limit of nearly every file system we run on.
inline constexpr size_t kMaxNameBytes = 255;

}  // namespace mailhoard::maildir
