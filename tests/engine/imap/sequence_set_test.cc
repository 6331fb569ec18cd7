#include "engine/imap/sequence_set.h"

#include <catch2/catch.hpp>
#include <vector>

namespace mailhoard::imap {
namespace {

TEST_CASE("sequence sets parse and print", "[imap][seqset]") {
  auto s = SequenceSet::Parse("1:5,7,9:*,12:10,*");
  REQUIRE(s.ok());
  REQUIRE(s->ranges().size() == 5);
  CHECK(s->ranges()[0] == SequenceSet::Range{1, 5});
  CHECK(s->ranges()[2] == SequenceSet::Range{9, SequenceSet::kStar});
  CHECK(s->ranges()[3] == SequenceSet::Range{10, 12});  // normalised
  CHECK(s->ToString() == "1:5,7,9:*,10:12,*");
  CHECK(s->Contains(3));
  CHECK(s->Contains(7));
  CHECK_FALSE(s->Contains(8));
  CHECK(s->Contains(4000000000u));  // 9:*
  auto star_first = SequenceSet::Parse("*:4");
  REQUIRE(star_first.ok());
  CHECK(star_first->ToString() == "4:*");

  auto big = SequenceSet::Parse("4294967295");
  REQUIRE(big.ok());
  CHECK(big->Contains(4294967295u));
  for (const char* bad :
       {"", ",", "1,", "0", "1:0", "a", "1::2", "4294967296", "-1", "1 2", "12345678901"}) {
    INFO(bad);
    CHECK_FALSE(SequenceSet::Parse(bad).ok());
  }
}

TEST_CASE("sequence sets from sorted UIDs are compact", "[imap][seqset]") {
  std::vector<uint32_t> uids = {1, 2, 3, 5, 7, 8, 8, 9, 20};
  SequenceSet s = SequenceSet::FromSorted(uids);
  CHECK(s.ToString() == "1:3,5,7:9,20");
  CHECK(s.CountKnown() == 8);
  auto expanded = s.Expand(100);
  REQUIRE(expanded.ok());
  CHECK(*expanded == std::vector<uint32_t>{1, 2, 3, 5, 7, 8, 9, 20});
  CHECK_FALSE(s.Expand(7).ok());
  CHECK_FALSE(SequenceSet::Parse("1:*")->Expand(10).ok());
  CHECK(SequenceSet::FromSorted({}).ToString().empty());
}

TEST_CASE("sequence sets split into chunks under a length", "[imap][seqset]") {
  std::vector<uint32_t> uids;
  for (uint32_t u = 1000000; u < 1100000; u += 2) uids.push_back(u);  // no ranges: worst case
  SequenceSet s = SequenceSet::FromSorted(uids);
  auto chunks = s.ToChunks(4000);
  CHECK(chunks.size() > 1);
  std::vector<uint32_t> back;
  for (const std::string& c : chunks) {
    CHECK(c.size() <= 4000);
    CHECK(c.front() != ',');
    CHECK(c.back() != ',');
    auto part = SequenceSet::Parse(c);
    REQUIRE(part.ok());
    auto e = part->Expand(1000000);
    REQUIRE(e.ok());
    back.insert(back.end(), e->begin(), e->end());
  }
  CHECK(back == uids);
  // A tiny limit still makes progress: one range per chunk.
  auto tiny = SequenceSet::Parse("1:100000,200000:300000")->ToChunks(3);
  CHECK(tiny == std::vector<std::string>{"1:100000", "200000:300000"});
}

}  // namespace
}  // namespace mailhoard::imap
