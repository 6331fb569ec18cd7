// Maps SQLite result codes onto our Status classes.
//
// Kept free of sqlite3.h so the mapping can be unit-tested and so callers
// outside the .cc files never see SQLite types.
#pragma once

#include <string_view>

#include "core/status.h"

namespace mailhoard::index {

// `rc` is a primary or extended SQLite result code; `what` says what we were
// doing ("inserting message"), `path` names the index file so the user can act
// on it, `detail` is sqlite3_errmsg() text.
Status SqliteStatus(int rc, std::string_view what, std::string_view path, std::string_view detail);

}  // namespace mailhoard::index
