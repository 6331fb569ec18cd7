// Checks `config check` makes on the files a config refers to, without
// reading any of them: a missing password file or CA bundle would otherwise
// only show up in the first unattended run.
#pragma once

#include <string>
#include <vector>

#include "cli/config_types.h"
#include "cli/path_expand.h"

namespace mailhoard::cli {

// One message per problem: "accounts.work.password_file (/x): does not exist",
// "... readable by group or others (mode 0644); run chmod 600 on it",
// "accounts.work.tls_ca_file (/x): not a regular file", and a password_env
// variable that is not set in `env`. Warnings, not errors: the files and
// variables may only exist where the sync runs (a mounted secret, a unit's
// Environment=).
std::vector<std::string> CheckReferencedFiles(const Config& config,
                                              const EnvLookup& env = ProcessEnv());

}  // namespace mailhoard::cli
