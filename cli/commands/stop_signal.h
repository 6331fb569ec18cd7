// SIGINT/SIGTERM for the long-running commands (sync, push): the first one
// sets a flag the engine checks at message boundaries, so the run stops
// with a consistent archive and the next run continues it.
#pragma once

#include <atomic>

namespace mailhoard::cli {

// Installs the handlers (and ignores SIGPIPE).
void InstallStopHandlers();
// Set by the first SIGINT/SIGTERM; for the engine's `cancel`.
const std::atomic<bool>& StopRequestFlag();
bool StopRequested();

}  // namespace mailhoard::cli
