// Helpers for parser tests: feed input whole, one byte at a time and in
// random splits, and compare everything the parser produced.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/imap/response_parser.h"

namespace mailhoard::imap::testing {

// One body handed to a BodySink.
struct CapturedBody {
  uint32_t sequence_number = 0;
  std::string item;
  std::string name;
  std::string section;
  std::optional<uint64_t> origin;
  std::optional<uint32_t> uid;
  size_t preceding_items = 0;
  uint64_t size = 0;
  bool literal8 = false;
  bool quoted = false;
  std::string data;
  bool finished = false;
  bool operator==(const CapturedBody&) const = default;
};

struct Outcome {
  std::vector<Response> responses;
  std::vector<CapturedBody> bodies;
  ErrorCode error = ErrorCode::kOk;
  std::string message;
  bool in_progress = false;
  bool eof_ok = true;
  size_t max_write_calls = 0;  // largest number of Write calls for one body
  bool operator==(const Outcome& o) const {
    return responses == o.responses && bodies == o.bodies && error == o.error &&
           message == o.message && in_progress == o.in_progress && eof_ok == o.eof_ok;
  }
};

enum class FeedMode { kWhole, kByteByByte, kRandom };

struct ParseOptions {
  bool streaming = true;  // install a BodySinkFactory
  ParserLimits limits;
};

Outcome Parse(std::string_view input, FeedMode mode, uint32_t seed = 0,
              const ParseOptions& options = {});

// Parses whole, byte by byte and in 30 random splits, REQUIREs identical
// outcomes, and returns the whole-buffer one.
Outcome ParseAllWays(std::string_view input, const ParseOptions& options = {});

std::string ReadTestData(const std::string& name);

}  // namespace mailhoard::imap::testing
