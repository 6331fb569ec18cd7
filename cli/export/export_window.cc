#include "cli/export/export_window.h"

#include <cctype>

#include "storage/index/search_query.h"

namespace mailhoard::cli {
namespace {

constexpr int64_t kDay = 86400;

// Digits at [pos, pos + len) as a number, or -1.
int Digits(std::string_view s, size_t pos, size_t len) {
  if (pos + len > s.size()) return -1;
  int v = 0;
  for (size_t i = pos; i < pos + len; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<int64_t> ParseExportTime(std::string_view text, bool end_of_day) {
  if (!text.empty() && (text.back() == 'Z' || text.back() == 'z')) text.remove_suffix(1);
  if (text.size() < 10) return std::nullopt;
  const std::optional<int64_t> start = index::ParseIsoDate(text.substr(0, 10));
  if (!start || *start < 0) return std::nullopt;  // the archive holds nothing before 1970
  const int64_t day = *start;
  if (text.size() == 10) return end_of_day ? day + kDay - 1 : day;
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return std::nullopt;
  if (text.size() != 16 && text.size() != 19) return std::nullopt;
  const int hh = Digits(text, 11, 2), mm = Digits(text, 14, 2);
  int ss = 0;
  if (text[13] != ':' || hh < 0 || hh > 23 || mm < 0 || mm > 59) return std::nullopt;
  if (text.size() == 19) {
    ss = Digits(text, 17, 2);
    if (text[16] != ':' || ss < 0 || ss > 59) return std::nullopt;
  }
  return day + hh * 3600 + mm * 60 + ss;
}

Result<ExportWindow> ParseExportWindow(std::string_view since, std::string_view until,
                                       std::string_view as_of, int64_t now) {
  ExportWindow w;
  auto parse = [](std::string_view option, std::string_view value, bool end_of_day,
                  std::optional<int64_t>* out) -> Status {
    if (value.empty()) return Status::Ok();
    *out = ParseExportTime(value, end_of_day);
    if (!*out) {
      return InvalidArgument(std::string(option) + " " + std::string(value) +
                             ": expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (UTC)");
    }
    return Status::Ok();
  };
  MH_RETURN_IF_ERROR(parse("--since", since, false, &w.since));
  MH_RETURN_IF_ERROR(parse("--until", until, true, &w.until));
  if (as_of == "now") {
    w.as_of = now;
  } else {
    MH_RETURN_IF_ERROR(parse("--as-of", as_of, true, &w.as_of));
  }
  if (w.since && w.until && *w.since > *w.until) {
    return InvalidArgument("--since " + std::string(since) + " is after --until " +
                           std::string(until));
  }
  return w;
}

int64_t MessageTime(const index::MessageRecord& m) {
  return m.internal_date.value_or(m.date.value_or(m.created_at));
}

bool InWindow(const index::MessageRecord& m, const ExportWindow& w) {
  const int64_t t = MessageTime(m);
  if (w.since && t < *w.since) return false;
  if (w.until && t > *w.until) return false;
  if (w.as_of) {
    if (m.created_at > *w.as_of) return false;  // not archived yet
    if (m.expunged_at && *m.expunged_at <= *w.as_of) return false;
  }
  return true;
}

bool FolderExisted(const index::FolderRecord& f, const ExportWindow& w) {
  return !(w.as_of && f.gone_since && *f.gone_since <= *w.as_of);
}

}  // namespace mailhoard::cli
