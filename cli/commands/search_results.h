// `search` across accounts: one ordering, one limit, one JSON shape. Pure.
// docs/search.md documents the JSON shape and must match HitJson.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/index/records.h"

namespace mailhoard::cli {

struct AccountHit {
  std::string account;
  std::string path;  // the message file
  index::SearchHit hit;
};

// Newest first over all accounts (undated last); equal dates keep the
// order of `per_account` (config order), then each account's own order.
// At most `limit`.
std::vector<AccountHit> MergeNewestFirst(std::vector<std::vector<AccountHit>> per_account,
                                         size_t limit);

// "seen", "answered", ... (the names flag: accepts) for the Maildir letters,
// then the keywords as stored.
std::vector<std::string> FlagNamesOf(std::string_view letters, std::string_view keywords);

// "2024-01-31T09:05:00Z"
std::string IsoUtc(int64_t unix_seconds);

nlohmann::json HitJson(const AccountHit& h);

}  // namespace mailhoard::cli
