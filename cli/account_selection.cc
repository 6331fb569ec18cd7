#include "cli/account_selection.h"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "cli/suggest.h"

namespace mailhoard::cli {
namespace {

bool ParseInt(std::string_view s, int* out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

Result<Shard> ParseShard(std::string_view text) {
  const size_t slash = text.find('/');
  Shard shard;
  if (slash == std::string_view::npos || !ParseInt(text.substr(0, slash), &shard.index) ||
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

Result<std::vector<const AccountConfig*>> SelectAccounts(const Config& config,
                                                         const std::vector<std::string>& names,
                                                         std::optional<Shard> shard) {
  std::vector<const AccountConfig*> selected;
  if (names.empty()) {
    for (const AccountConfig& a : config.accounts) selected.push_back(&a);
  } else {
    std::vector<std::string_view> known;
    for (const AccountConfig& a : config.accounts) known.push_back(a.name);
    for (const std::string& name : names) {
      const AccountConfig* a = config.FindAccount(name);
      if (a == nullptr) {
        std::string m = "no account \"" + name + "\" in " + config.source_path;
        if (auto s = DidYouMean(name, known)) {
          m += " (did you mean \"" + *s + "\"?)";
        } else {
          m += "; accounts:";
          for (std::string_view k : known) m += " " + std::string(k);
        }
        return InvalidArgument(m);
      }
      if (std::find(selected.begin(), selected.end(), a) == selected.end()) selected.push_back(a);
    }
  }
  if (shard) {
    std::erase_if(selected, [&](const AccountConfig* a) {
      return ShardOf(a->name, shard->count) != shard->index;
    });
  }
  return selected;
}

}  // namespace mailhoard::cli
