// The whole `mailhoard` command line, callable in-process (main.cc is a
// one-line wrapper), so tests can run commands without spawning a binary.
#pragma once

#include <ostream>

namespace mailhoard::cli {

// Parses argv, runs the chosen command, returns the process exit code
// (exit_codes.h). Usage errors print a short hint and return 2.
int RunMailhoard(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace mailhoard::cli
