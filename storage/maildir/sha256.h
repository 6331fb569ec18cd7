// Incremental SHA-256 over OpenSSL EVP, without OpenSSL in the header.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/status.h"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace mailhoard::maildir {

using Sha256Digest = std::array<uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&& other) noexcept;
  Sha256& operator=(Sha256&& other) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* data, size_t n);
  // Ends this hash and starts a new one.
  Sha256Digest Finish();

 private:
  evp_md_ctx_st* ctx_;
};

// Lower-case hex of a digest (or any bytes).
std::string ToHex(const uint8_t* data, size_t n);
inline std::string ToHex(const Sha256Digest& d) { return ToHex(d.data(), d.size()); }

class FileSystem;

struct FileDigest {
  Sha256Digest sha256{};
  uint64_t size = 0;
};

// SHA-256 and size of a file, streamed in 64 KiB reads: messages can be large.
Result<FileDigest> HashFile(FileSystem& fs, const std::string& path);

}  // namespace mailhoard::maildir
