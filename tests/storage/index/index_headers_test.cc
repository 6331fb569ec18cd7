#include <catch2/catch.hpp>

#include "storage/index/index.h"
#include "tests/storage/index/index_test_util.h"
#include "tests/storage/index/test_util.h"

namespace mailhoard::index {
namespace {

using testing::AddFolder;
using testing::HeaderCorpus;
using testing::Insert;
using testing::Message;
using testing::OpenIndex;
using testing::TempDir;

TEST_CASE("Headers are stored compressed, a dictionary is trained and persists",
          "[index][headers]") {
  TempDir dir;
  const std::string path = dir.File("index.db");
  IndexOptions options;
  options.dictionary_training_samples = 150;
  HeaderCorpus corpus(7);
  std::vector<std::string> headers = corpus.Take(400);
  std::vector<int64_t> ids;
  {
    auto index = OpenIndex(path, options);
    const int64_t inbox = AddFolder(*index, "INBOX", "INBOX");
    REQUIRE(index->BeginBatch().ok());
    for (size_t i = 0; i < 100; ++i) {
      ids.push_back(Insert(*index, Message(inbox, 1, static_cast<uint32_t>(i + 1)), headers[i]));
    }
    REQUIRE(index->CommitBatch().ok());
    CHECK(index->active_header_dictionary() == 0);
    auto h = index->GetHeaders(ids[5]);
    REQUIRE(h.ok());
    CHECK(*h == headers[5]);
  }
  int64_t dict_id = 0;
  {
    // Training counts headers across runs: 100 before, 50 more reach 150.
    auto index = OpenIndex(path, options);
    REQUIRE(index->BeginBatch().ok());
    for (size_t i = 100; i < 200; ++i) {
      ids.push_back(Insert(*index, Message(1, 1, static_cast<uint32_t>(i + 1)), headers[i]));
    }
    REQUIRE(index->CommitBatch().ok());
    dict_id = index->active_header_dictionary();
    CHECK(dict_id != 0);
  }
  {
    auto index = OpenIndex(path, options);
    CHECK(index->active_header_dictionary() == dict_id);  // persisted
    for (size_t i = 200; i < 400; ++i) {
      ids.push_back(Insert(*index, Message(1, 1, static_cast<uint32_t>(i + 1)), headers[i]));
    }
    for (size_t i = 0; i < ids.size(); ++i) {
      auto h = index->GetHeaders(ids[i]);
      REQUIRE(h.ok());
      REQUIRE(*h == headers[i]);
    }
    // A message stored without headers reads back empty.
    int64_t bare = Insert(*index, Message(1, 1, 9999));
    CHECK(index->GetHeaders(bare)->empty());
    CHECK(index->GetHeaders(123456).status().code() == ErrorCode::kNotFound);
  }
  // A reader (another connection) sees the dictionary too.
  IndexOptions read_only = options;
  read_only.read_only = true;
  auto reader = OpenIndex(path, read_only);
  auto h = reader->GetHeaders(ids[300]);
  REQUIRE(h.ok());
  CHECK(*h == headers[300]);
}

TEST_CASE("A dictionary trained inside a rolled-back batch is forgotten", "[index][headers]") {
  TempDir dir;
  IndexOptions options;
  options.dictionary_training_samples = 100;
  auto index = OpenIndex(dir.File("index.db"), options);
  const int64_t inbox = AddFolder(*index, "INBOX", "INBOX");
  HeaderCorpus corpus(9);
  REQUIRE(index->BeginBatch().ok());
  for (uint32_t uid = 1; uid <= 120; ++uid) Insert(*index, Message(inbox, 1, uid), corpus.Next());
  CHECK(index->active_header_dictionary() != 0);
  index->RollbackBatch();
  CHECK(index->active_header_dictionary() == 0);
  std::string h = corpus.Next();
  int64_t id = Insert(*index, Message(inbox, 1, 500), h);
  CHECK(*index->GetHeaders(id) == h);
}

TEST_CASE("Explicit training re-compresses earlier headers", "[index][headers]") {
  TempDir dir;
  IndexOptions options;
  options.dictionary_training_samples = 0;  // never automatic
  auto index = OpenIndex(dir.File("index.db"), options);
  const int64_t inbox = AddFolder(*index, "INBOX", "INBOX");
  HeaderCorpus corpus(11);
  std::vector<std::string> headers = corpus.Take(300);
  std::vector<int64_t> ids;
  for (uint32_t i = 0; i < headers.size(); ++i) {
    ids.push_back(Insert(*index, Message(inbox, 1, i + 1), headers[i]));
  }
  CHECK(index->active_header_dictionary() == 0);
  auto dict = index->TrainHeaderDictionary(1800000000);
  REQUIRE(dict.ok());
  CHECK(index->active_header_dictionary() == *dict);
  for (size_t i = 0; i < ids.size(); ++i) REQUIRE(*index->GetHeaders(ids[i]) == headers[i]);
}

}  // namespace
}  // namespace mailhoard::index
