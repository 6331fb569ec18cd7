#include "tests/engine/imap/parse_test_util.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>

namespace mailhoard::imap::testing {

namespace {

class RecordingSink : public BodySink {
 public:
  RecordingSink(Outcome* out, size_t index) : out_(out), index_(index) {}
  Status Write(const char* data, size_t len) override {
    CapturedBody& b = out_->bodies[index_];
    REQUIRE_FALSE(b.finished);
    REQUIRE(len > 0);
    b.data.append(data, len);
    ++writes_;
    if (writes_ > out_->max_write_calls) out_->max_write_calls = writes_;
    return Status::Ok();
  }
  Status Finish() override {
    CapturedBody& b = out_->bodies[index_];
    REQUIRE_FALSE(b.finished);
    REQUIRE(b.data.size() == b.size);
    b.finished = true;
    return Status::Ok();
  }

 private:
  Outcome* out_;
  size_t index_;
  size_t writes_ = 0;
};

}  // namespace

Outcome Parse(std::string_view input, FeedMode mode, uint32_t seed, const ParseOptions& options) {
  Outcome out;
  ResponseParser parser(
      [&](Response&& r) {
        out.responses.push_back(std::move(r));
        return Status::Ok();
      },
      options.limits);
  if (options.streaming) {
    parser.set_body_sink_factory(
        [&](const BodyLiteralInfo& info) -> Result<std::unique_ptr<BodySink>> {
          CapturedBody b;
          b.sequence_number = info.sequence_number;
          b.item = info.item;
          b.name = info.name;
          b.section = info.section;
          b.origin = info.origin;
          b.uid = info.uid;
          b.preceding_items = info.preceding_items.size();
          b.size = info.size;
          b.literal8 = info.is_literal8;
          b.quoted = info.is_quoted;
          out.bodies.push_back(b);
          return std::unique_ptr<BodySink>(new RecordingSink(&out, out.bodies.size() - 1));
        });
  }
  std::mt19937 rng(seed);
  size_t pos = 0;
  Status s;
  while (pos < input.size() && s.ok()) {
    size_t n = input.size() - pos;
    if (mode == FeedMode::kByteByByte) {
      n = 1;
    } else if (mode == FeedMode::kRandom) {
      // Mostly small pieces, sometimes large ones.
      size_t cap = (rng() % 4 == 0) ? 4096 : 16;
      n = std::min(n, size_t{1} + rng() % cap);
    }
    s = parser.Feed(input.data() + pos, n);
    pos += n;
  }
  if (!s.ok()) {
    out.error = s.code();
    out.message = s.message();
    // A failed parser keeps failing with the same error.
    Status again = parser.Feed("x", 1);
    REQUIRE(again.message() == s.message());
  }
  out.in_progress = parser.InProgress();
  out.eof_ok = parser.AtEof().ok();
  return out;
}

Outcome ParseAllWays(std::string_view input, const ParseOptions& options) {
  Outcome whole = Parse(input, FeedMode::kWhole, 0, options);
  Outcome bytes = Parse(input, FeedMode::kByteByByte, 0, options);
  REQUIRE(bytes == whole);
  for (uint32_t seed = 1; seed <= 30; ++seed) {
    Outcome random = Parse(input, FeedMode::kRandom, seed, options);
    INFO("seed " << seed);
    REQUIRE(random == whole);
  }
  return whole;
}

std::string ReadTestData(const std::string& name) {
  std::ifstream in(std::string(MH_IMAP_TESTDATA) + "/" + name, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace mailhoard::imap::testing
