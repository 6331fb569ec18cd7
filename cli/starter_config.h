// The minimal, commented config.toml that `mailhoard config init` writes: one
// account, just the keys it needs, each placeholder saying what to replace.
// `mailhoard config example` (docs/config.example.toml) shows every key.
#pragma once

#include <string>

#include "cli/config_types.h"

namespace mailhoard::cli {

struct StarterOptions {
  Provider provider = Provider::kNone;  // kNone: a password IMAP server
  std::string account = "work";
  std::string user;  // empty: a placeholder address
};

std::string StarterConfigText(const StarterOptions& options);

}  // namespace mailhoard::cli
