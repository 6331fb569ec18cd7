#include <catch2/catch.hpp>

#include "storage/index/index.h"
#include "tests/storage/index/test_util.h"

namespace mailhoard::index {
namespace {

using testing::TempDir;

class SearchFixture {
 public:
  SearchFixture() {
    auto index = Index::Open(dir_.File("index.db"), {});
    REQUIRE(index.ok());
    index_ = std::move(index).value();
    FolderRecord inbox;
    inbox.remote_name = "INBOX";
    inbox.display_name = "INBOX";
    inbox.local_path = "INBOX";
    inbox_ = *index_->UpsertFolder(inbox);
    FolderRecord work;
    work.remote_name = "Work/Proj&AOk-t";
    work.display_name = "Work/Projét";
    work.local_path = "Work/Projet";
    work_ = *index_->UpsertFolder(work);
    // 2024-01-10, 2024-02-10, 2024-03-10 (UTC noon)
    Add(inbox_, 1, 1704888000, "Alice Liddell <alice@example.org>", "bob@example.net", "",
        "Quarterly report draft", "Please review the numbers before Friday.");
    Add(inbox_, 2, 1707566400, "Bob <bob@example.net>", "alice@example.org", "carol@example.com",
        "Re: Quarterly report draft", "Looks good. Café at noon?");
    Add(work_, 3, 1710072000, "Jürgen Müller <jm@beispiel.de>", "team@example.org", "",
        "Release \"v2\" NEAR(done) *", "The release is tagged; NEAR(x y) is literal text.");
  }

  void Add(int64_t folder, uint32_t uid, int64_t date, std::string from, std::string to,
           std::string cc, std::string subject, std::string body, std::string flags = "S",
           std::string keywords = "", uint64_t size = 100) {
    MessageRecord m;
    m.folder_id = folder;
    m.uidvalidity = 1;
    m.uid = uid;
    m.file_name = "cur/" + std::to_string(uid) + ":2," + flags;
    m.size = size;
    if (date) m.date = date;
    m.from_addr = std::move(from);
    m.to_addr = std::move(to);
    m.cc_addr = std::move(cc);
    m.subject = std::move(subject);
    m.flags = std::move(flags);
    m.keywords = std::move(keywords);
    m.created_at = 1;
    auto id = index_->InsertMessage(m, "", body);
    REQUIRE(id.ok());
  }

  Result<SearchResults> Run(std::string_view query, int limit = 50,
                            std::string_view account = "work") {
    auto tree = ParseSearchQuery(query);
    if (!tree.ok()) return tree.status();
    return index_->Search(*tree, account, limit);
  }

  std::vector<uint32_t> Uids(std::string_view query, std::string_view account = "work") {
    auto hits = Run(query, 50, account);
    INFO("query: " << query);
    if (!hits.ok()) FAIL(hits.status().message());
    std::vector<uint32_t> out;
    for (const SearchHit& h : hits->hits) {
      auto m = index_->GetMessage(h.message_id);
      REQUIRE(m->has_value());
      out.push_back((*m)->uid);
    }
    CHECK(hits->total == static_cast<int64_t>(out.size()));
    return out;
  }

 protected:
  TempDir dir_;
  std::unique_ptr<Index> index_;
  int64_t inbox_ = 0;
  int64_t work_ = 0;
};

using U = std::vector<uint32_t>;

TEST_CASE_METHOD(SearchFixture, "Search: words, fields, newest first", "[index][search]") {
  CHECK(Uids("quarterly") == U{2, 1});
  CHECK(Uids("quarterly numbers") == U{1});
  CHECK(Uids("\"report draft\"") == U{2, 1});
  CHECK(Uids("\"draft report\"") == U{});
  CHECK(Uids("from:alice") == U{1});
  CHECK(Uids("to:alice") == U{2});
  CHECK(Uids("cc:carol") == U{2});
  CHECK(Uids("subject:friday") == U{});
  CHECK(Uids("friday") == U{1});
  CHECK(Uids("quart*") == U{2, 1});
  CHECK(Uids("nothing-like-this") == U{});
}

TEST_CASE_METHOD(SearchFixture, "Search: diacritics fold both ways", "[index][search]") {
  CHECK(Uids("cafe") == U{2});
  CHECK(Uids("Café") == U{2});
  CHECK(Uids("from:jurgen") == U{3});
  CHECK(Uids("from:MÜLLER") == U{3});
}

TEST_CASE_METHOD(SearchFixture, "Search: date ranges", "[index][search]") {
  CHECK(Uids("after:2024-02-01") == U{3, 2});
  CHECK(Uids("before:2024-02-10") == U{1});
  CHECK(Uids("after:2024-02-10 before:2024-02-11") == U{2});
  CHECK(Uids("on:2024-02-10") == U{2});
  CHECK(Uids("on:2024-02-09") == U{});
  CHECK(Uids("quarterly after:2024-02-01") == U{2});
  CHECK(Uids("after:2025-01-01") == U{});
  CHECK(Uids("-on:2024-02-10") == U{3, 1});
  CHECK(Run("after:2024-02-30").status().code() == ErrorCode::kInvalidArgument);
}

TEST_CASE_METHOD(SearchFixture, "Search: OR, NOT, '-' and parentheses", "[index][search]") {
  CHECK(Uids("friday OR release") == U{3, 1});
  CHECK(Uids("quarterly OR release") == U{3, 2, 1});
  CHECK(Uids("quarterly NOT friday") == U{2});
  CHECK(Uids("quarterly -friday") == U{2});
  CHECK(Uids("-quarterly") == U{3});
  CHECK(Uids("NOT from:alice") == U{3, 2});
  CHECK(Uids("(from:alice OR from:jurgen) -release") == U{1});
  CHECK(Uids("release OR (quarterly cafe)") == U{3, 2});
  CHECK(Uids("quarterly AND NOT (cafe OR friday)") == U{});
  CHECK(Uids("-\"report draft\"") == U{3});
}

TEST_CASE_METHOD(SearchFixture, "Search: folder, account, flags, keywords, sizes",
                 "[index][search]") {
  Add(work_, 4, 1700000000, "dave@example.org", "", "", "big one", "", "FR", "$Label1 Urgent",
      3 << 20);
  CHECK(Uids("folder:INBOX") == U{2, 1});
  CHECK(Uids("folder:inbox") == U{2, 1});  // ASCII case does not matter
  CHECK(Uids("folder:Work") == U{});       // exact unless it has a wildcard
  CHECK(Uids("folder:work/*") == U{3, 4});
  CHECK(Uids("folder:\"Work/Projét\"") == U{3, 4});
  CHECK(Uids("folder:W?rk/Proj*t") == U{3, 4});
  CHECK(Uids("-folder:INBOX") == U{3, 4});
  CHECK(Uids("account:work quarterly") == U{2, 1});
  CHECK(Uids("account:home quarterly") == U{});
  CHECK(Uids("account:h* OR release") == U{3});
  CHECK(Uids("account:w*", "Work") == U{3, 2, 1, 4});
  CHECK(Uids("flag:flagged") == U{4});
  CHECK(Uids("flag:answered flag:\\Flagged") == U{4});
  CHECK(Uids("flag:seen") == U{3, 2, 1});
  CHECK(Uids("-flag:seen") == U{4});
  CHECK(Uids("flag:urgent") == U{4});  // keywords: case-insensitive, whole words
  CHECK(Uids("flag:$label1") == U{4});
  CHECK(Uids("flag:urg") == U{});
  CHECK(Uids("larger:1M") == U{4});
  CHECK(Uids("smaller:1M") == U{3, 2, 1});
  CHECK(Uids("larger:100") == U{4});  // strictly larger
  CHECK(Uids("smaller:101") == U{3, 2, 1});
}

TEST_CASE_METHOD(SearchFixture, "Search: hits carry folder, path, date, size and flags",
                 "[index][search]") {
  auto found = Run("release", 10);
  REQUIRE(found.ok());
  REQUIRE(found->hits.size() == 1);
  const SearchHit& h = found->hits.front();
  CHECK(h.folder_id == work_);
  CHECK(h.folder_display_name == "Work/Projét");
  CHECK(h.folder_local_path == "Work/Projet");
  CHECK(h.file_name == "cur/3:2,S");
  CHECK(h.date == 1710072000);
  CHECK(h.from_addr == "Jürgen Müller <jm@beispiel.de>");
  CHECK(h.subject == "Release \"v2\" NEAR(done) *");
  CHECK(h.size == 100);
  CHECK(h.flags == "S");
  CHECK(h.keywords == "");
}

TEST_CASE_METHOD(SearchFixture, "Search: the limit cuts the hits, not the total",
                 "[index][search]") {
  auto found = Run("quarterly OR release", 2);
  REQUIRE(found.ok());
  CHECK(found->hits.size() == 2);
  CHECK(found->total == 3);
  CHECK(found->hits[0].date == 1710072000);  // the newest two
  CHECK(found->hits[1].date == 1707566400);
}

TEST_CASE_METHOD(SearchFixture, "Search: order is date, undated last, then newest row",
                 "[index][search]") {
  Add(inbox_, 5, 0, "x@example.org", "", "", "samedate", "");
  Add(inbox_, 6, 1704888000, "x@example.org", "", "", "samedate", "");
  Add(inbox_, 7, 1704888000, "x@example.org", "", "", "samedate", "");
  Add(inbox_, 8, 1800000000, "x@example.org", "", "", "samedate", "");
  CHECK(Uids("samedate") == U{8, 7, 6, 5});
  CHECK(Uids("samedate -before:2025-01-01") == U{8, 5});  // undated matches no date term
}

TEST_CASE_METHOD(SearchFixture, "Search: messages without a file are not hits", "[index][search]") {
  Add(inbox_, 9, 1704888000, "x@example.org", "", "", "refused", "");
  auto m = index_->FindMessage(inbox_, 1, 9);
  REQUIRE(m.ok());
  REQUIRE(m->has_value());
  REQUIRE(index_->SetUnfetchable((*m)->id, "too big").ok());
  REQUIRE(index_->SetFileName((*m)->id, "").ok());
  CHECK(Uids("refused") == U{});
}

TEST_CASE_METHOD(SearchFixture, "Search: hostile strings are text or usage errors, never SQL",
                 "[index][search]") {
  const char* hostile[] = {"\"",
                           "\"\"",
                           "\"\"\"",
                           "NEAR(",
                           "NEAR(done",
                           "NEAR(x y)",
                           "*",
                           "**",
                           "a*b*",
                           "^release",
                           "release)",
                           "(release",
                           "AND",
                           "OR release",
                           "NOT",
                           "release -",
                           "subject:",
                           "from:\"",
                           "subject:\"v2",
                           "col:val",
                           "{subject}:x",
                           "+",
                           "'; DROP TABLE messages; --",
                           "\\\"",
                           "\xff\xfe",
                           "—",
                           "日本語",
                           "release \"",
                           "to: :",
                           "x:y:z",
                           "folder:'] OR 1=1 --",
                           "flag:' OR ''='",
                           "account:*')--"};
  for (const char* q : hostile) {
    auto hits = Run(q, 10);
    INFO("query: " << q);
    if (!hits.ok()) {
      CHECK(hits.status().code() == ErrorCode::kInvalidArgument);
      CHECK(hits.status().message().rfind("search: ", 0) == 0);
    }
  }
  // Operator-looking text is searched for as text.
  CHECK(Uids("\"NEAR(done)\"") == U{3});
  CHECK(Uids("subject:\"NEAR(done) *\"") == U{3});
  CHECK(Uids("\"'; DROP TABLE messages; --\"") == U{});
  CHECK(Run("'; DROP TABLE messages; --").status().code() == ErrorCode::kInvalidArgument);
  // FTS5's own tokenizer decides what has no word in it.
  CHECK(Run("release —").status().message() ==
        "search: \"—\" at column 9 has no letters or digits to search for");
  CHECK(Uids("日本語") == U{});
  CHECK(Uids("quarterly") == U{2, 1});  // still there
}

TEST_CASE_METHOD(SearchFixture, "Search: deleted messages disappear from results",
                 "[index][search]") {
  auto found = Run("quarterly", 10);
  REQUIRE(found->hits.size() == 2);
  REQUIRE(index_->DeleteMessage(found->hits.front().message_id).ok());
  CHECK(Uids("quarterly") == U{1});
  // A new message never inherits the deleted one's tokens (ids not reused).
  Add(inbox_, 9, 1704888000, "x@example.org", "", "", "unrelated", "");
  CHECK(Uids("quarterly") == U{1});
  CHECK(Uids("unrelated") == U{9});
}

}  // namespace
}  // namespace mailhoard::index
