// Resolving secrets (passwords, OAuth client secrets) from their sources.
//
// The secret is only ever returned to the caller: no error message or warning
// produced here contains it, nor any output of a *_cmd command, because
// those messages end up in cron mail and logs.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "cli/config_types.h"
#include "core/status.h"

namespace mailhoard::cli {

struct SecretOptions {
  // A password_cmd that hangs (a pinentry waiting for a user who is not
  // there, under cron) must not hang the run forever.
  std::chrono::milliseconds command_timeout{std::chrono::seconds(60)};
  // Anything bigger is not a password; bounds memory for a runaway command.
  size_t max_bytes = 64 * 1024;
};

// *_cmd: runs `/bin/sh -c VALUE`, captures stdout, strips one trailing
//   newline ("\n" or "\r\n"); a non-zero exit, a signal or a timeout is an
//   error naming the key and command (never the output).
// *_file: reads the file, strips one trailing newline; a file readable by
//   group or others adds a warning to *warnings (not an error: some setups
//   share secrets through a group on purpose).
// *_env: the variable's value.
// An empty secret is an error in every case.
Result<std::string> ResolveSecret(const SecretSource& source, std::vector<std::string>* warnings,
                                  const SecretOptions& options = {});

}  // namespace mailhoard::cli
