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
           std::string cc, std::string subject, std::string body) {
    MessageRecord m;
    m.folder_id = folder;
    m.uidvalidity = 1;
    m.uid = uid;
    m.file_name = "cur/" + std::to_string(uid) + ":2,S";
    m.size = 100;
    m.date = date;
    m.from_addr = std::move(from);
    m.to_addr = std::move(to);
    m.cc_addr = std::move(cc);
    m.subject = std::move(subject);
    m.created_at = 1;
    auto id = index_->InsertMessage(m, "", body);
    REQUIRE(id.ok());
  }

  std::vector<uint32_t> Uids(std::string_view query) {
    auto hits = index_->Search(query, 50);
    INFO("query: " << query);
    REQUIRE(hits.ok());
    std::vector<uint32_t> out;
    for (const SearchHit& h : *hits) {
      auto m = index_->GetMessage(h.message_id);
      REQUIRE(m->has_value());
      out.push_back((*m)->uid);
    }
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
  CHECK(Uids("quarterly after:2024-02-01") == U{2});
  CHECK(Uids("after:2025-01-01") == U{});
  auto bad = index_->Search("after:2024-02-30", 10);
  CHECK(bad.status().code() == ErrorCode::kInvalidArgument);
}

TEST_CASE_METHOD(SearchFixture, "Search: hits carry folder, path, date, from, subject",
                 "[index][search]") {
  auto hits = index_->Search("release", 10);
  REQUIRE(hits.ok());
  REQUIRE(hits->size() == 1);
  const SearchHit& h = hits->front();
  CHECK(h.folder_id == work_);
  CHECK(h.folder_display_name == "Work/Projét");
  CHECK(h.folder_local_path == "Work/Projet");
  CHECK(h.file_name == "cur/3:2,S");
  CHECK(h.date == 1710072000);
  CHECK(h.from_addr == "Jürgen Müller <jm@beispiel.de>");
  CHECK(h.subject == "Release \"v2\" NEAR(done) *");
  CHECK(index_->Search("quarterly", 1)->size() == 1);  // limit
}

TEST_CASE_METHOD(SearchFixture, "Search: hostile strings are text, never errors",
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
                           "x:y:z"};
  for (const char* q : hostile) {
    auto hits = index_->Search(q, 10);
    INFO("query: " << q);
    CHECK(hits.ok());
  }
  // Operator words are searched for as words.
  CHECK(Uids("NEAR(done)") == U{3});
  CHECK(Uids("subject:\"NEAR(done) *\"") == U{3});
  CHECK(Uids("release \"") == U{3});
  CHECK(Uids("release —") == U{3});  // a phrase with no tokens must not empty the AND
  CHECK(Uids("release ***") == U{3});
  CHECK(Uids("'; DROP TABLE messages; --") == U{});
  CHECK(Uids("quarterly") == U{2, 1});  // still there
}

TEST_CASE_METHOD(SearchFixture, "Search: deleted messages disappear from results",
                 "[index][search]") {
  auto hits = index_->Search("quarterly", 10);
  REQUIRE(hits->size() == 2);
  REQUIRE(index_->DeleteMessage(hits->front().message_id).ok());
  CHECK(Uids("quarterly") == U{1});
  // A new message never inherits the deleted one's tokens (ids not reused).
  Add(inbox_, 9, 1704888000, "x@example.org", "", "", "unrelated", "");
  CHECK(Uids("quarterly") == U{1});
  CHECK(Uids("unrelated") == U{9});
}

}  // namespace
}  // namespace mailhoard::index
