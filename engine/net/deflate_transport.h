// DeflateTransport: RFC 4978 COMPRESS=DEFLATE as a Transport decorator.
//
// Raw deflate (RFC 1951, no zlib header: windowBits -15) in both directions.
// Every Write ends with Z_SYNC_FLUSH so the server can decode each command as
// soon as it is sent (RFC 4978 §4 requires the client to flush). Buffers are
// fixed-size: a large write is compressed and sent in chunks, and a read
// inflates straight into the caller's buffer.
//
// Install it once the server said "OK" to COMPRESS, with nothing buffered:
//   reader.Wrap([](auto t) { return std::make_unique<DeflateTransport>(std::move(t)); });
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/net/transport.h"

namespace mailhoard::net {

struct CompressionStats {
  uint64_t plain_read = 0;     // bytes handed to the caller
  uint64_t wire_read = 0;      // compressed bytes consumed from the server
  uint64_t plain_written = 0;  // bytes the caller wrote
  uint64_t wire_written = 0;   // compressed bytes sent
};

class DeflateTransport : public Transport {
 public:
  // level: zlib's 0..9, or -1 for its default.
  explicit DeflateTransport(std::unique_ptr<Transport> inner, int level = -1);
  ~DeflateTransport() override;
  DeflateTransport(const DeflateTransport&) = delete;
  DeflateTransport& operator=(const DeflateTransport&) = delete;

  Result<size_t> Read(char* buf, size_t len) override;
  Status Write(std::string_view data) override;
  // RFC 4978 §4: TLS must be negotiated before compression, never inside it.
  Status StartTls(const TlsOptions& options) override;
  bool IsTls() const override { return inner_->IsTls(); }
  void Close() override { inner_->Close(); }
  std::string Describe() const override { return inner_->Describe(); }
  bool PeerIsLocal() const override { return inner_->PeerIsLocal(); }

  Transport& inner() { return *inner_; }
  CompressionStats stats() const;

 private:
  struct Impl;
  Status WritePiece(std::string_view data);
  std::unique_ptr<Transport> inner_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mailhoard::net
