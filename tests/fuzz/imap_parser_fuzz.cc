// libFuzzer target for the IMAP response parser.
//
// Input layout: byte 0 = options (streaming on/off, small limits), bytes 1-4
// = seed for the chunk sizes, the rest is server output. Oracles beyond "no
// crash / no sanitizer report":
//  - feeding the input whole and in seeded random chunks gives identical
//    responses, bodies and errors;
//  - a sink receives exactly the announced number of bytes, never an empty
//    write, and Finish() once;
//  - every interpreter runs on every response without crashing;
//  - a mailbox name that decodes as modified UTF-7 re-encodes to itself
//    (decoding is strict, so only canonical input is accepted);
//  - a parsed sequence set prints back to a set that parses equal.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "engine/imap/fetch_response.h"
#include "engine/imap/mailbox_responses.h"
#include "engine/imap/mutf7.h"
#include "engine/imap/response_codes.h"
#include "engine/imap/response_parser.h"
#include "engine/imap/search_responses.h"

namespace mailhoard::imap {
namespace {

void Check(bool cond) {
  if (!cond) std::abort();
}

class CountingSink : public BodySink {
 public:
  CountingSink(uint64_t size, std::string* log) : size_(size), log_(log) {}
  ~CountingSink() override = default;
  Status Write(const char* data, size_t len) override {
    Check(len > 0 && !finished_);
    seen_ += len;
    Check(seen_ <= size_);
    // Keep a digest, not the bytes.
    for (size_t i = 0; i < len; ++i)
      hash_ = (hash_ ^ static_cast<unsigned char>(data[i])) * 1099511628211u;
    return Status::Ok();
  }
  Status Finish() override {
    Check(!finished_ && seen_ == size_);
    finished_ = true;
    *log_ += "body " + std::to_string(size_) + " " + std::to_string(hash_) + "\n";
    return Status::Ok();
  }

 private:
  uint64_t size_;
  uint64_t seen_ = 0;
  uint64_t hash_ = 14695981039346656037u;
  bool finished_ = false;
  std::string* log_;
};

void Interpret(const Response& r) {
  if (r.code) (void)ParseResponseCode(*r.code);
  std::string name = ResponseName(r);
  (void)ResponseNumber(r);
  if (name == "FETCH") {
    (void)ParseFetchResponse(r);
  } else if (name == "LIST" || name == "LSUB" || name == "XLIST") {
    auto l = ParseListResponse(r);
    if (l.ok()) {
      auto decoded = DecodeMutf7(l->mailbox);
      if (decoded.ok()) {
        auto again = EncodeMutf7(*decoded);
        Check(again.ok() && *again == l->mailbox);
      }
    }
  } else if (name == "STATUS") {
    (void)ParseStatusResponse(r);
  } else if (name == "NAMESPACE") {
    (void)ParseNamespaceResponse(r);
  } else if (name == "SEARCH") {
    (void)ParseSearchResponse(r);
  } else if (name == "ESEARCH") {
    auto e = ParseEsearchResponse(r);
    if (e.ok() && e->all) {
      auto again = SequenceSet::Parse(e->all->ToString());
      Check(again.ok() && *again == *e->all);
    }
  } else if (name == "VANISHED") {
    (void)ParseVanishedResponse(r);
  } else if (name == "CAPABILITY") {
    (void)ParseCapabilityResponse(r);
  } else if (name == "ENABLED") {
    (void)ParseEnabledResponse(r);
  } else if (name == "FLAGS") {
    (void)ParseFlagsResponse(r);
  } else if (name == "EXISTS" || name == "RECENT" || name == "EXPUNGE") {
    (void)ParseNumberResponse(r, name);
  }
}

// Runs the parser over input in chunks (chunk sizes from seed; 0 = whole)
// and returns a log of everything it produced.
std::string Run(const uint8_t* data, size_t size, uint8_t options, uint32_t seed) {
  std::string log;
  ParserLimits limits;
  if (options & 2) {
    limits.max_line_length = 256;
    limits.max_inline_literal = 64;
    limits.max_body_literal = 512;
    limits.max_list_depth = 4;
    limits.max_tokens = 50;
  }
  ResponseParser parser(
      [&](Response&& r) {
        log += r.ToString();
        log += '\n';
        if (seed == 0) Interpret(r);
        return Status::Ok();
      },
      limits);
  if (options & 1) {
    parser.set_body_sink_factory(
        [&](const BodyLiteralInfo& info) -> Result<std::unique_ptr<BodySink>> {
          log += "sink " + info.item + " " + std::to_string(info.sequence_number) + "\n";
          if (options & 4) return std::unique_ptr<BodySink>();  // discard
          return std::unique_ptr<BodySink>(new CountingSink(info.size, &log));
        });
  }
  const char* p = reinterpret_cast<const char*>(data);
  size_t pos = 0;
  uint32_t state = seed;
  while (pos < size) {
    size_t n = size - pos;
    if (seed != 0) {
      state = state * 1664525u + 1013904223u;
      n = std::min<size_t>(n, 1 + (state >> 16) % 64);
    }
    Status s = parser.Feed(p + pos, n);
    pos += n;
    if (!s.ok()) {
      log += "error " + s.message() + "\n";
      break;
    }
  }
  log += parser.InProgress() ? "in progress\n" : "idle\n";
  return log;
}

}  // namespace
}  // namespace mailhoard::imap

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  uint8_t options = data[0];
  uint32_t seed = static_cast<uint32_t>(data[1]) | (static_cast<uint32_t>(data[2]) << 8) |
                  (static_cast<uint32_t>(data[3]) << 16) | (static_cast<uint32_t>(data[4]) << 24);
  seed |= 1;  // never 0: 0 means "whole"
  std::string whole = mailhoard::imap::Run(data + 5, size - 5, options, 0);
  std::string split = mailhoard::imap::Run(data + 5, size - 5, options, seed);
  if (whole != split) std::abort();
  return 0;
}
