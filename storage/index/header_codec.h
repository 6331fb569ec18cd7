// HeaderCodec: zstd compression of raw header blocks, with trained dictionaries.
//
// Header blocks are small (2-8 KiB) and extremely repetitive across one
// account (the same Received hops, DKIM selectors, List-* headers), which is
// exactly the case zstd dictionaries are for: a dictionary trained on an
// account's first headers typically halves the size again compared with
// plain zstd. Dictionaries are identified by our own id (dictionaries.id);
// id 0 means "no dictionary". Digested dictionaries are cached, so each
// message costs one compress call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mailhoard::index {

class HeaderCodec {
 public:
  // Header blocks larger than this are refused on decompression, so a damaged
  // blob cannot make us allocate gigabytes.
  static constexpr size_t kMaxHeaderBytes = 16 * 1024 * 1024;

  explicit HeaderCodec(int level = 3);
  ~HeaderCodec();
  HeaderCodec(const HeaderCodec&) = delete;
  HeaderCodec& operator=(const HeaderCodec&) = delete;

  // Trains a dictionary of at most `dict_capacity` bytes from sample header
  // blocks. Fails (kInvalidArgument) when the samples are too few or too
  // uniform to train on; callers then keep compressing without a dictionary.
  static Result<std::string> Train(const std::vector<std::string>& samples, size_t dict_capacity);

  Status AddDictionary(int64_t id, std::string_view dict);
  bool HasDictionary(int64_t id) const;
  // New blocks are compressed with this dictionary (0: none). It must have
  // been added.
  Status SetActiveDictionary(int64_t id);
  int64_t active_dictionary() const;
  // Forgets every dictionary (e.g. after a rolled-back batch that trained one).
  void Clear();

  struct Compressed {
    std::string data;
    int64_t dict_id = 0;
  };
  Result<Compressed> Compress(std::string_view headers);
  Result<std::string> Decompress(std::string_view data, int64_t dict_id);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mailhoard::index
