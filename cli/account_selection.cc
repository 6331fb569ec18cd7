#include "cli/account_selection.h"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "cli/mailbox_list.h"
#include "cli/suggest.h"

namespace mailhoard::cli {
namespace {

bool ParseInt(std::string_view s, int* out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

Result<Shard> ParseShard(std::string_view text, const EnvLookup& env) {
  const size_t slash = text.find('/');
  Shard shard;
  std::string index(text.substr(0, slash == std::string_view::npos ? 0 : slash));
  if (slash == 0) {
    std::optional<std::string> from_env = env("JOB_COMPLETION_INDEX");
    if (!from_env || from_env->empty()) {
      return InvalidArgument("--shard " + std::string(text) +
                             ": JOB_COMPLETION_INDEX is not set (it is in the pods of a "
                             "Kubernetes Indexed Job); elsewhere give I/N");
    }
    index = *from_env;
  }
  if (slash == std::string_view::npos || !ParseInt(index, &shard.index) ||
      !ParseInt(text.substr(slash + 1), &shard.count) || shard.count < 1 || shard.count > 100000 ||
      shard.index < 0 || shard.index >= shard.count) {
    return InvalidArgument("--shard: expected I/N with 0 <= I < N (e.g. 0/4), got \"" +
                           std::string(text) + "\"");
  }
  return shard;
}

int ShardOf(std::string_view account_name, int shard_count) {
  // FNV-1a: stable across platforms and releases, unlike std::hash.
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : account_name) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<int>(h % static_cast<uint64_t>(shard_count));
}

std::string ShardKey(const AccountConfig& account) {
  return account.tenant.empty() ? account.name : LowerAscii(account.address);
}

Result<std::vector<const AccountConfig*>> SelectAccounts(const Config& config,
                                                         const std::vector<std::string>& names,
                                                         std::optional<Shard> shard) {
  std::vector<const AccountConfig*> selected;
  if (names.empty()) {
    for (const AccountConfig& a : config.accounts) selected.push_back(&a);
  } else {
    std::vector<std::string_view> known;
    for (const AccountConfig& a : config.accounts) known.push_back(a.name);
    for (const std::string& t : config.tenants) known.push_back(t);
    auto add = [&selected](const AccountConfig* a) {
      if (std::find(selected.begin(), selected.end(), a) == selected.end()) selected.push_back(a);
    };
    for (const std::string& name : names) {
      if (std::find(config.tenants.begin(), config.tenants.end(), name) != config.tenants.end()) {
        for (const AccountConfig& a : config.accounts)
          if (a.tenant == name) add(&a);
        continue;
      }
      const AccountConfig* a = config.FindAccount(name);
      if (a == nullptr) {
        std::string m = "no account \"" + name + "\" in " + config.source_path;
        if (auto s = DidYouMean(name, known)) {
          m += " (did you mean \"" + *s + "\"?)";
        } else if (known.size() <= 20) {
          m += "; accounts:";
          for (std::string_view k : known) m += " " + std::string(k);
        } else {
          m += " (`mailhoard config accounts` lists all " + std::to_string(known.size()) +
               " accounts)";
        }
        return InvalidArgument(m);
      }
      add(a);
    }
  }
  if (shard) {
    std::erase_if(selected, [&](const AccountConfig* a) {
      return ShardOf(ShardKey(*a), shard->count) != shard->index;
    });
  }
  return selected;
}

}  // namespace mailhoard::cli
