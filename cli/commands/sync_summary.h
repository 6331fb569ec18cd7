// What `mailhoard sync` says of one account when it ends: every kind of
// change in words (new, flags, expunged, folders gone), not only the count
// of new messages, and how to continue after an interruption.
#pragma once

#include <string>

#include "engine/sync/sync_result.h"

namespace mailhoard::cli {

// One or more lines, each starting with "ACCOUNT: " and ending in "\n".
std::string SyncSummary(const std::string& account, const sync::SyncResult& result, bool dry_run,
                        double seconds);

}  // namespace mailhoard::cli
