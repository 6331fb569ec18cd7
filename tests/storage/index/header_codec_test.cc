#include "storage/index/header_codec.h"

#include <catch2/catch.hpp>

#include <iostream>

#include "tests/storage/index/test_util.h"

namespace mailhoard::index {
namespace {

using testing::HeaderCorpus;

size_t TotalSize(const std::vector<std::string>& blocks) {
  size_t n = 0;
  for (const auto& b : blocks) n += b.size();
  return n;
}

TEST_CASE("Headers round-trip without a dictionary", "[index][codec]") {
  HeaderCodec codec;
  HeaderCorpus corpus(1);
  for (const std::string& h : corpus.Take(20)) {
    auto c = codec.Compress(h);
    REQUIRE(c.ok());
    CHECK(c->dict_id == 0);
    CHECK(c->data.size() < h.size());
    auto d = codec.Decompress(c->data, 0);
    REQUIRE(d.ok());
    CHECK(*d == h);
  }
  auto empty = codec.Compress("");
  REQUIRE(empty.ok());
  auto back = codec.Decompress(empty->data, 0);
  REQUIRE(back.ok());
  CHECK(back->empty());
}

TEST_CASE("A trained dictionary round-trips and beats plain zstd", "[index][codec]") {
  HeaderCorpus corpus(42);
  std::vector<std::string> training = corpus.Take(1000);
  auto dict = HeaderCodec::Train(training, 64 * 1024);
  REQUIRE(dict.ok());
  CHECK(dict->size() <= 64 * 1024);

  HeaderCodec plain;
  HeaderCodec with_dict;
  REQUIRE(with_dict.AddDictionary(7, *dict).ok());
  REQUIRE(with_dict.SetActiveDictionary(7).ok());

  // Measure on headers the dictionary has not seen.
  std::vector<std::string> fresh = corpus.Take(2000);
  size_t raw = TotalSize(fresh), plain_size = 0, dict_size = 0;
  for (const std::string& h : fresh) {
    auto p = plain.Compress(h);
    auto d = with_dict.Compress(h);
    REQUIRE(p.ok());
    REQUIRE(d.ok());
    CHECK(d->dict_id == 7);
    plain_size += p->data.size();
    dict_size += d->data.size();
    auto back = with_dict.Decompress(d->data, 7);
    REQUIRE(back.ok());
    REQUIRE(*back == h);
    // Dictionary-less blobs stay readable by a codec that has dictionaries.
    auto old = with_dict.Decompress(p->data, 0);
    REQUIRE(old.ok());
    REQUIRE(*old == h);
  }
  double plain_ratio = static_cast<double>(raw) / static_cast<double>(plain_size);
  double dict_ratio = static_cast<double>(raw) / static_cast<double>(dict_size);
  std::cout << "header compression on " << fresh.size() << " synthetic blocks (" << raw
            << " bytes, avg " << raw / fresh.size() << "): zstd-3 " << plain_size << " bytes (x"
            << plain_ratio << "), with 64 KiB dictionary " << dict_size << " bytes (x" << dict_ratio
            << ")\n";
  CHECK(plain_ratio > 1.3);
  CHECK(dict_ratio > plain_ratio * 1.3);
}

TEST_CASE("Codec refuses damaged blobs and unknown dictionaries", "[index][codec]") {
  HeaderCodec codec;
  CHECK(codec.Decompress("definitely not zstd", 0).status().code() == ErrorCode::kCorrupt);
  auto c = codec.Compress("Subject: hi\r\n\r\n");
  REQUIRE(c.ok());
  std::string cut = c->data.substr(0, c->data.size() - 3);
  CHECK(codec.Decompress(cut, 0).status().code() == ErrorCode::kCorrupt);
  CHECK(codec.Decompress(c->data, 99).status().code() == ErrorCode::kCorrupt);
  CHECK_FALSE(codec.SetActiveDictionary(99).ok());
  CHECK(codec.AddDictionary(0, "x").code() == ErrorCode::kInvalidArgument);

  std::vector<std::string> few = {"a", "b"};
  CHECK(HeaderCodec::Train(few, 1024).status().code() == ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace mailhoard::index
