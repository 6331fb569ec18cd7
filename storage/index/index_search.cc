// Index: full-text search.
#include "storage/index/index.h"
#include "storage/index/index_impl.h"
#include "storage/index/search_query.h"

namespace mailhoard::index {

namespace {

// The date of a message is its Date: header, or INTERNALDATE when the header
// was missing or unparsable. ?2/?3 bound it, NULL meaning unbounded.
#define MH_SEARCH_COLUMNS                                          \
  "m.id, m.folder_id, f.display_name, f.local_path, m.file_name, " \
  "coalesce(m.date, m.internal_date), m.from_addr, m.subject"
#define MH_SEARCH_DATE_FILTER                                    \
  "(?2 IS NULL OR coalesce(m.date, m.internal_date) >= ?2) AND " \
  "(?3 IS NULL OR coalesce(m.date, m.internal_date) < ?3)"

constexpr char kSearchText[] =
    "SELECT " MH_SEARCH_COLUMNS
    " FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid "
    "JOIN folders f ON f.id = m.folder_id "
    "WHERE messages_fts MATCH ?1 AND " MH_SEARCH_DATE_FILTER
    " ORDER BY coalesce(m.date, m.internal_date) DESC, m.id DESC LIMIT ?4";
constexpr char kSearchDates[] =
    "SELECT " MH_SEARCH_COLUMNS
    " FROM messages m JOIN folders f ON f.id = m.folder_id "
    "WHERE ?1 IS NULL AND " MH_SEARCH_DATE_FILTER
    " ORDER BY coalesce(m.date, m.internal_date) DESC, m.id DESC LIMIT ?4";

}  // namespace

Result<std::vector<SearchHit>> Index::Search(std::string_view query, int limit) {
  if (!impl_->token_probe) {
    MH_ASSIGN_OR_RETURN(impl_->token_probe, FtsTokenProbe::Create(impl_->db));
  }
  FtsTokenProbe* probe = impl_->token_probe.get();
  MH_ASSIGN_OR_RETURN(SearchQuery q, ParseSearchQuery(query, [probe](std::string_view text) {
                        return probe->HasTokens(text);
                      }));
  std::vector<SearchHit> hits;
  if (q.fts_match.empty() && !q.date_from && !q.date_until) return hits;
  Statement s = impl_->db.GetCachedStatement(q.fts_match.empty() ? kSearchDates : kSearchText);
  if (q.fts_match.empty()) {
    s.BindNull(0);
  } else {
    s.BindText(0, q.fts_match);
  }
  s.BindOptionalInt64(1, q.date_from);
  s.BindOptionalInt64(2, q.date_until);
  s.BindInt64(3, limit);
  while (s.Step()) {
    SearchHit h;
    h.message_id = s.ColumnInt64(0);
    h.folder_id = s.ColumnInt64(1);
    h.folder_display_name = s.ColumnText(2);
    h.folder_local_path = s.ColumnText(3);
    h.file_name = s.ColumnText(4);
    h.date = s.ColumnOptionalInt64(5);
    h.from_addr = s.ColumnText(6);
    h.subject = s.ColumnText(7);
    hits.push_back(std::move(h));
  }
  MH_RETURN_IF_ERROR(s.status().WithContext("searching for '" + std::string(query) + "'"));
  return hits;
}

}  // namespace mailhoard::index
