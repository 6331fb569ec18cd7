// Writes a file that must not exist yet (`mailhoard config init`): creates
// the missing parent directories, refuses to replace anything, and leaves
// the file owner-only since a config may name secrets.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace mailhoard::cli {

struct NewFileResult {
  bool existed = false;  // nothing was written: the path was already there
};

// IoError when a directory or the file cannot be created or written.
Result<NewFileResult> WriteNewFile(const std::string& path, std::string_view content);

}  // namespace mailhoard::cli
