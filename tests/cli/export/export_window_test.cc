#include "cli/export/export_window.h"

#include <catch2/catch.hpp>

namespace mailhoard::cli {
namespace {

constexpr int64_t kJan1 = 1704067200;  // 2024-01-01T00:00:00Z
constexpr int64_t kDay = 86400;

TEST_CASE("export dates are UTC days or moments", "[export]") {
  CHECK(ParseExportTime("2024-01-01", false) == kJan1);
  CHECK(ParseExportTime("2024-01-01", true) == kJan1 + kDay - 1);
  CHECK(ParseExportTime("2024-01-01T10:30", true) == kJan1 + 10 * 3600 + 30 * 60);
  CHECK(ParseExportTime("2024-01-01 10:30:05Z", false) == kJan1 + 10 * 3600 + 30 * 60 + 5);
  CHECK(ParseExportTime("2024-02-29", false) == kJan1 + 59 * kDay);
  for (const char* bad :
       {"", "2024-1-01", "2023-02-29", "2024-13-01", "2024-01-01T24:00", "2024-01-01T10",
        "2024-01-01T10:30:5", "yesterday", "1969-12-31", "2024-01-01X10:00"}) {
    INFO(bad);
    CHECK_FALSE(ParseExportTime(bad, false));
  }
}

TEST_CASE("export window options: errors name the option", "[export]") {
  auto w = ParseExportWindow("2024-01-01", "2024-01-31", "now", 12345);
  REQUIRE(w.ok());
  CHECK(w->since == kJan1);
  CHECK(w->until == kJan1 + 31 * kDay - 1);
  CHECK(w->as_of == 12345);
  auto bad = ParseExportWindow("", "", "last week", 0);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("--as-of last week") != std::string::npos);
  auto reversed = ParseExportWindow("2024-02-01", "2024-01-01", "", 0);
  REQUIRE_FALSE(reversed.ok());
  CHECK(reversed.status().message().find("after --until") != std::string::npos);
  CHECK(ParseExportWindow("", "", "", 0).ok());
}

index::MessageRecord Row(int64_t archived, std::optional<int64_t> expunged,
                         std::optional<int64_t> internal = std::nullopt) {
  index::MessageRecord m;
  m.created_at = archived;
  m.expunged_at = expunged;
  m.internal_date = internal;
  return m;
}

TEST_CASE("as-of: archived by then and not found expunged by then", "[export]") {
  ExportWindow w;
  w.as_of = 1000;
  CHECK(InWindow(Row(999, std::nullopt), w));
  CHECK(InWindow(Row(1000, std::nullopt), w));        // archived at that second
  CHECK_FALSE(InWindow(Row(1001, std::nullopt), w));  // not archived yet
  CHECK(InWindow(Row(500, 1001), w));                 // expunged later: still there then
  CHECK_FALSE(InWindow(Row(500, 1000), w));           // found expunged by then
  CHECK_FALSE(InWindow(Row(500, 700), w));
  // INTERNALDATE does not matter to --as-of: an old message archived late
  // was not seen before.
  CHECK_FALSE(InWindow(Row(2000, std::nullopt, 10), w));
  CHECK(InWindow(Row(500, 700), ExportWindow{}));  // no window: the whole archive

  index::FolderRecord gone;
  gone.gone_since = 800;
  CHECK_FALSE(FolderExisted(gone, w));
  w.as_of = 799;
  CHECK(FolderExisted(gone, w));
  CHECK(FolderExisted(index::FolderRecord{}, w));
}

TEST_CASE("since and until filter on INTERNALDATE, else Date, else archive time", "[export]") {
  ExportWindow w;
  w.since = 100;
  w.until = 200;
  CHECK(InWindow(Row(5000, std::nullopt, 100), w));
  CHECK(InWindow(Row(5000, std::nullopt, 200), w));
  CHECK_FALSE(InWindow(Row(5000, std::nullopt, 99), w));
  CHECK_FALSE(InWindow(Row(5000, std::nullopt, 201), w));
  index::MessageRecord dated = Row(5000, std::nullopt);
  dated.date = 150;
  CHECK(MessageTime(dated) == 150);
  CHECK(InWindow(dated, w));
  CHECK(MessageTime(Row(5000, std::nullopt)) == 5000);
  CHECK_FALSE(InWindow(Row(5000, std::nullopt), w));
}

}  // namespace
}  // namespace mailhoard::cli
