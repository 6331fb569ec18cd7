#include "cli/commands/search_results.h"

#include <algorithm>
#include <ctime>

namespace mailhoard::cli {

std::vector<AccountHit> MergeNewestFirst(std::vector<std::vector<AccountHit>> per_account,
                                         size_t limit) {
  std::vector<AccountHit> all;
  for (auto& hits : per_account) {
    for (AccountHit& h : hits) all.push_back(std::move(h));
  }
  // Each account's list is already newest first with its own tie order; a
  // stable sort on the date alone keeps both that and the account order.
  std::stable_sort(all.begin(), all.end(), [](const AccountHit& a, const AccountHit& b) {
    if (!a.hit.date || !b.hit.date) return a.hit.date.has_value() && !b.hit.date.has_value();
    return *a.hit.date > *b.hit.date;
  });
  if (all.size() > limit) all.resize(limit);
  return all;
}

std::vector<std::string> FlagNamesOf(std::string_view letters, std::string_view keywords) {
  static constexpr std::pair<char, const char*> kNames[] = {
      {'D', "draft"},    {'F', "flagged"}, {'P', "forwarded"},
      {'R', "answered"}, {'S', "seen"},    {'T', "deleted"},
  };
  std::vector<std::string> out;
  for (const auto& [letter, name] : kNames) {
    if (letters.find(letter) != std::string_view::npos) out.emplace_back(name);
  }
  size_t start = 0;
  while (start < keywords.size()) {
    size_t end = keywords.find(' ', start);
    if (end == std::string_view::npos) end = keywords.size();
    if (end > start) out.emplace_back(keywords.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string IsoUtc(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  tm tm_utc{};
  gmtime_r(&t, &tm_utc);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm_utc);
  return buf;
}

nlohmann::json HitJson(const AccountHit& h) {
  const index::SearchHit& s = h.hit;
  return {{"account", h.account},
          {"folder", s.folder_display_name},
          {"date", s.date ? nlohmann::json(IsoUtc(*s.date)) : nlohmann::json()},
          {"date_unix", s.date ? nlohmann::json(*s.date) : nlohmann::json()},
          {"from", s.from_addr},
          {"subject", s.subject},
          {"size", s.size},
          {"flags", FlagNamesOf(s.flags, s.keywords)},
          {"path", h.path}};
}

}  // namespace mailhoard::cli
