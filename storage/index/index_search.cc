// Index: search (the condition comes from search_sql.h).
#include "storage/index/index.h"
#include "storage/index/index_impl.h"
#include "storage/index/search_sql.h"

namespace mailhoard::index {

namespace {

// A row without a file (the server would not hand the message out) is not
// a hit: there is nothing to open.
constexpr char kFrom[] =
    " FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.file_name <> '' AND ";
constexpr char kColumns[] =
    "SELECT m.id, m.folder_id, f.display_name, f.local_path, m.file_name, "
    "coalesce(m.date, m.internal_date), m.from_addr, m.subject, m.size, m.flags, m.keywords";
constexpr char kOrder[] = " ORDER BY coalesce(m.date, m.internal_date) DESC, m.id DESC LIMIT ?";

void BindAll(Statement& s, const SearchSql& sql) {
  int i = 0;
  for (const auto& p : sql.params) {
    if (const int64_t* n = std::get_if<int64_t>(&p)) {
      s.BindInt64(i++, *n);
    } else {
      s.BindText(i++, std::get<std::string>(p));
    }
  }
}

}  // namespace

Result<SearchResults> Index::Search(const SearchNode& query, std::string_view account, int limit) {
  if (!impl_->token_probe) {
    MH_ASSIGN_OR_RETURN(impl_->token_probe, FtsTokenProbe::Create(impl_->db));
  }
  FtsTokenProbe* probe = impl_->token_probe.get();
  MH_ASSIGN_OR_RETURN(SearchSql sql, BuildSearchSql(query, account, [probe](std::string_view text) {
                        return probe->HasTokens(text);
                      }));
  const std::string where = "(" + sql.where + ")";
  SearchResults out;
  // Built per query, so not cached: the cache would fill with one-offs.
  Statement s = impl_->db.GetUniqueStatement(std::string(kColumns) + kFrom + where + kOrder);
  BindAll(s, sql);
  s.BindInt64(static_cast<int>(sql.params.size()), limit);
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
    h.size = static_cast<uint64_t>(s.ColumnInt64(8));
    h.flags = s.ColumnText(9);
    h.keywords = s.ColumnText(10);
    out.hits.push_back(std::move(h));
  }
  MH_RETURN_IF_ERROR(s.status().WithContext("searching"));
  if (static_cast<int64_t>(out.hits.size()) < limit) {
    out.total = static_cast<int64_t>(out.hits.size());
    return out;
  }
  Statement count = impl_->db.GetUniqueStatement(std::string("SELECT count(*)") + kFrom + where);
  BindAll(count, sql);
  if (count.Step()) out.total = count.ColumnInt64(0);
  MH_RETURN_IF_ERROR(count.status().WithContext("counting search hits"));
  return out;
}

}  // namespace mailhoard::index
