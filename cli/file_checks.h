// Checks `config check` makes on the files a config refers to, without
// reading any of them: a missing password file or CA bundle would otherwise
// only show up in the first unattended run.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/config_types.h"
#include "cli/path_expand.h"

namespace mailhoard::cli {

// One message per problem: "accounts.work.password_file (/x): does not exist",
// "... readable by group or others (mode 0644); run chmod 600 on it",
// "accounts.work.tls_ca_file (/x): not a regular file", and a password_env
// variable that is not set in `env`. Warnings, not errors: the files and
// variables may only exist where the sync runs (a mounted secret, a unit's
// Environment=). A password_cmd / client_secret_cmd that only prints a
// literal is warned about too: the secret is then in the config file after
// all.
std::vector<std::string> CheckReferencedFiles(const Config& config,
                                              const EnvLookup& env = ProcessEnv());

// True for a command that is nothing but `echo WORDS` or `printf ...`
// (no ;, |, &, $, backquote, parentheses or redirection): it prints text
// written in the config. `config check` neither runs nor shows it.
bool PrintsLiteral(std::string_view command);

}  // namespace mailhoard::cli
