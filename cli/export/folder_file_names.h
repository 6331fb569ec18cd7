// One mbox file per archived folder (`export --mbox-dir`): names that keep
// the hierarchy readable and can never leave the target directory.
//
// A folder's name is encoded as storage/maildir's maildir++ layout encodes
// it (folder_path.h): each hierarchy level escaped on its own ('/', '\',
// '%', '.', control characters and invalid UTF-8 become %XX), levels joined
// with '.', then ".mbox": "Archive/2024" is "Archive.2024.mbox", INBOX is
// "INBOX.mbox", "../../etc" is "%2E%2E.%2E%2E.etc.mbox". So every name is
// one plain file name: no '/', never "." or "..", never hidden. Names that
// differ only in ASCII case get "%~2", "%~3" (case-insensitive file
// systems); names over 255 bytes are cut and carry a hash.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "storage/index/records.h"

namespace mailhoard::cli {

// The file names of `folders`, in the same order. Deterministic for a given
// list; fails only for a folder without a name.
Result<std::vector<std::string>> MboxFileNames(const std::vector<index::FolderRecord>& folders);

}  // namespace mailhoard::cli
