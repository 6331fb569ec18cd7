#include "storage/maildir/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <utility>
#include <vector>

#include "storage/maildir/file_system.h"

namespace mailhoard::maildir {
namespace {

void Init(EVP_MD_CTX* ctx) {
  // Only fails on allocation failure or a broken OpenSSL build; there is no
  // sensible way to archive mail without a hash, so fail loudly.
  if (EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) std::abort();
}

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr) std::abort();
  Init(ctx_);
}

Sha256::~Sha256() {
  if (ctx_ != nullptr) EVP_MD_CTX_free(ctx_);
}

Sha256::Sha256(Sha256&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}

Sha256& Sha256::operator=(Sha256&& other) noexcept {
  std::swap(ctx_, other.ctx_);
  return *this;
}

void Sha256::Update(const void* data, size_t n) {
  if (n > 0) EVP_DigestUpdate(ctx_, data, n);
}

Sha256Digest Sha256::Finish() {
  Sha256Digest d{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_, d.data(), &len);
  Init(ctx_);
  return d;
}

std::string ToHex(const uint8_t* data, size_t n) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 15]);
  }
  return out;
}

Result<FileDigest> HashFile(FileSystem& fs, const std::string& path) {
  MH_ASSIGN_OR_RETURN(std::unique_ptr<ReadableFile> file, fs.OpenForRead(path));
  Sha256 hash;
  FileDigest out;
  std::vector<char> buf(64 * 1024);
  for (;;) {
    MH_ASSIGN_OR_RETURN(size_t n, file->Read(buf.data(), buf.size()));
    if (n == 0) break;
    hash.Update(buf.data(), n);
    out.size += n;
  }
  out.sha256 = hash.Finish();
  return out;
}

}  // namespace mailhoard::maildir
