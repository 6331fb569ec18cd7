// Which accounts a command acts on: the ACCOUNT arguments (checked against
// the config, with suggestions) and an optional --shard I/N, so one config
// listing thousands of mailboxes can be split across N scheduler jobs.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/config_types.h"
#include "cli/path_expand.h"
#include "core/status.h"

namespace mailhoard::cli {

struct Shard {
  int index = 0;  // 0 <= index < count
  int count = 1;
};

// "I/N" with 0 <= I < N <= 100000, e.g. "3/16" (Kubernetes' JOB_COMPLETION_INDEX
// is zero-based, so I is too). "/N" takes I from $JOB_COMPLETION_INDEX, so an
// Indexed Job's pods can all run the same command line.
Result<Shard> ParseShard(std::string_view text, const EnvLookup& env = ProcessEnv());

// The shard an account belongs to: a hash of its name, not its position, so
// adding or removing other accounts never moves an account to another job
// (each job keeps its own volume and token state for the accounts it runs).
int ShardOf(std::string_view account_name, int shard_count);
// What an account is hashed by: a tenant mailbox's address in lower case
// (the same shard whatever the tenant is called), else the account name.
std::string ShardKey(const AccountConfig& account);

// `names` empty = every account, in config order. A tenant's name stands for
// all its mailboxes. An unknown name is an InvalidArgument naming it (with a
// did-you-mean). Duplicates are collapsed.
Result<std::vector<const AccountConfig*>> SelectAccounts(const Config& config,
                                                         const std::vector<std::string>& names,
                                                         std::optional<Shard> shard = {});

}  // namespace mailhoard::cli
