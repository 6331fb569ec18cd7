#include "storage/index/header_codec.h"

// ZDICT_optimizeTrainFromBuffer_fastCover is in zstd's "static linking
// only" section, though exported by the shared library since 1.3.6.
#define ZDICT_STATIC_LINKING_ONLY
#include <zdict.h>
#include <zstd.h>

#include <map>

namespace mailhoard::index {

namespace {

struct DictDeleter {
  void operator()(ZSTD_CDict* d) const { ZSTD_freeCDict(d); }
  void operator()(ZSTD_DDict* d) const { ZSTD_freeDDict(d); }
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
  void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
};

Status Corrupt(std::string m) { return Status::Error(ErrorCode::kCorrupt, std::move(m)); }

}  // namespace

struct HeaderCodec::Impl {
  struct Dict {
    std::unique_ptr<ZSTD_CDict, DictDeleter> cdict;
    std::unique_ptr<ZSTD_DDict, DictDeleter> ddict;
  };
  int level = 3;
  int64_t active = 0;
  std::unique_ptr<ZSTD_CCtx, DictDeleter> cctx{ZSTD_createCCtx()};
  std::unique_ptr<ZSTD_DCtx, DictDeleter> dctx{ZSTD_createDCtx()};
  std::map<int64_t, Dict> dicts;
};

HeaderCodec::HeaderCodec(int level) : impl_(std::make_unique<Impl>()) { impl_->level = level; }

HeaderCodec::~HeaderCodec() = default;

Result<std::string> HeaderCodec::Train(const std::vector<std::string>& samples,
                                       size_t dict_capacity) {
  std::string joined;
  std::vector<size_t> sizes;
  sizes.reserve(samples.size());
  for (const std::string& s : samples) {
    if (s.empty()) continue;
    joined += s;
    sizes.push_back(s.size());
  }
  if (sizes.size() < 8) {
    return InvalidArgument("too few header samples to train a dictionary (" +
                           std::to_string(sizes.size()) + ")");
  }
  std::string dict(dict_capacity, '\0');
  // ZDICT_trainFromBuffer's defaults size the frequency table at 2^20
  // entries (about 12 MB at peak, most of a sync's memory); 2^16 entries
  // train as good a dictionary for header blocks of a few KB.
  ZDICT_fastCover_params_t params{};
  params.d = 8;
  params.f = 16;
  params.steps = 4;
  params.accel = 1;
  params.splitPoint = 0.75;
  size_t n =
      ZDICT_optimizeTrainFromBuffer_fastCover(dict.data(), dict.size(), joined.data(), sizes.data(),
                                              static_cast<unsigned>(sizes.size()), &params);
  if (ZDICT_isError(n)) {
    return InvalidArgument(std::string("training a header dictionary failed: ") +
                           ZDICT_getErrorName(n));
  }
  dict.resize(n);
  return dict;
}

Status HeaderCodec::AddDictionary(int64_t id, std::string_view dict) {
  if (id <= 0) return InvalidArgument("header dictionary ids start at 1");
  Impl::Dict d;
  d.cdict.reset(ZSTD_createCDict(dict.data(), dict.size(), impl_->level));
  d.ddict.reset(ZSTD_createDDict(dict.data(), dict.size()));
  if (!d.cdict || !d.ddict) {
    return Corrupt("header dictionary " + std::to_string(id) + " cannot be loaded");
  }
  impl_->dicts[id] = std::move(d);
  return Status::Ok();
}

bool HeaderCodec::HasDictionary(int64_t id) const { return impl_->dicts.count(id) != 0; }

Status HeaderCodec::SetActiveDictionary(int64_t id) {
  if (id != 0 && !HasDictionary(id)) {
    return InternalError("header dictionary " + std::to_string(id) + " is not loaded");
  }
  impl_->active = id;
  return Status::Ok();
}

int64_t HeaderCodec::active_dictionary() const { return impl_->active; }

void HeaderCodec::Clear() {
  impl_->dicts.clear();
  impl_->active = 0;
}

Result<HeaderCodec::Compressed> HeaderCodec::Compress(std::string_view headers) {
  Compressed out;
  out.dict_id = impl_->active;
  out.data.resize(ZSTD_compressBound(headers.size()));
  size_t n;
  if (out.dict_id != 0) {
    n = ZSTD_compress_usingCDict(impl_->cctx.get(), out.data.data(), out.data.size(),
                                 headers.data(), headers.size(),
                                 impl_->dicts.at(out.dict_id).cdict.get());
  } else {
    n = ZSTD_compressCCtx(impl_->cctx.get(), out.data.data(), out.data.size(), headers.data(),
                          headers.size(), impl_->level);
  }
  if (ZSTD_isError(n)) {
    return InternalError(std::string("compressing headers: ") + ZSTD_getErrorName(n));
  }
  out.data.resize(n);
  return out;
}

Result<std::string> HeaderCodec::Decompress(std::string_view data, int64_t dict_id) {
  unsigned long long size = ZSTD_getFrameContentSize(data.data(), data.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
    return Corrupt("stored headers are not a zstd frame");
  }
  if (size > kMaxHeaderBytes) return Corrupt("stored headers claim an implausible size");
  std::string out(static_cast<size_t>(size), '\0');
  size_t n;
  if (dict_id != 0) {
    auto it = impl_->dicts.find(dict_id);
    if (it == impl_->dicts.end()) {
      return Corrupt("stored headers need dictionary " + std::to_string(dict_id) +
                     ", which is missing");
    }
    n = ZSTD_decompress_usingDDict(impl_->dctx.get(), out.data(), out.size(), data.data(),
                                   data.size(), it->second.ddict.get());
  } else {
    n = ZSTD_decompressDCtx(impl_->dctx.get(), out.data(), out.size(), data.data(), data.size());
  }
  if (ZSTD_isError(n) || n != out.size()) {
    return Corrupt(std::string("stored headers do not decompress: ") +
                   (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short output"));
  }
  return out;
}

}  // namespace mailhoard::index
