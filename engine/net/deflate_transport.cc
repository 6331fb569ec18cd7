#include "engine/net/deflate_transport.h"

#include <zlib.h>

#include <utility>
#include <vector>

namespace mailhoard::net {
namespace {

constexpr size_t kChunk = 16 * 1024;
constexpr int kRawDeflate = -15;  // negative: raw stream, 32 KiB window (RFC 4978 §3)

std::string ZlibMessage(const z_stream& z, int rc) {
  if (z.msg) return z.msg;
  return "zlib error " + std::to_string(rc);
}

}  // namespace

struct DeflateTransport::Impl {
  z_stream inflater{};
  z_stream deflater{};
  bool inflater_ready = false;
  bool deflater_ready = false;
  bool stream_end = false;  // the server ended its deflate stream
  Status broken;            // first fatal error; every later call returns it
  std::vector<unsigned char> in_buf = std::vector<unsigned char>(kChunk);
  std::vector<unsigned char> out_buf = std::vector<unsigned char>(kChunk);

  ~Impl() {
    if (inflater_ready) inflateEnd(&inflater);
    if (deflater_ready) deflateEnd(&deflater);
  }
};

DeflateTransport::DeflateTransport(std::unique_ptr<Transport> inner, int level)
    : inner_(std::move(inner)), impl_(std::make_unique<Impl>()) {
  int rc = inflateInit2(&impl_->inflater, kRawDeflate);
  impl_->inflater_ready = rc == Z_OK;
  if (rc != Z_OK) {
    impl_->broken = InternalError("inflateInit2: " + ZlibMessage(impl_->inflater, rc));
    return;
  }
  rc = deflateInit2(&impl_->deflater, level, Z_DEFLATED, kRawDeflate, 8, Z_DEFAULT_STRATEGY);
  impl_->deflater_ready = rc == Z_OK;
  if (rc != Z_OK) {
    impl_->broken = InternalError("deflateInit2: " + ZlibMessage(impl_->deflater, rc));
  }
}

DeflateTransport::~DeflateTransport() = default;

Result<size_t> DeflateTransport::Read(char* buf, size_t len) {
  Impl& m = *impl_;
  if (!m.broken.ok()) return m.broken;
  if (m.stream_end || len == 0) return size_t{0};
  z_stream& z = m.inflater;
  for (;;) {
    // Inflate first even with no new input: the previous call may have
    // stopped because the caller's buffer was full, with output pending.
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = static_cast<uInt>(std::min<size_t>(len, 1u << 30));
    const uInt room = z.avail_out;
    int rc = inflate(&z, Z_SYNC_FLUSH);
    size_t produced = room - z.avail_out;
    if (rc == Z_STREAM_END) {
      m.stream_end = true;
      return produced;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      m.broken = ProtocolError("decompressing data from " + inner_->Describe() + ": " +
                               ZlibMessage(z, rc));
      return m.broken;
    }
    if (produced > 0) return produced;
    // No output with room to spare means all input was consumed.
    MH_ASSIGN_OR_RETURN(size_t n,
                        inner_->Read(reinterpret_cast<char*>(m.in_buf.data()), m.in_buf.size()));
    if (n == 0) return size_t{0};  // truncation is caught by the protocol framing above
    z.next_in = m.in_buf.data();
    z.avail_in = static_cast<uInt>(n);
  }
}

Status DeflateTransport::Write(std::string_view data) {
  Impl& m = *impl_;
  if (!m.broken.ok()) return m.broken;
  // zlib counts in uInt; larger writes go in pieces, each flushed.
  constexpr size_t kMaxPiece = 1u << 30;
  while (!data.empty()) {
    std::string_view piece = data.substr(0, kMaxPiece);
    data.remove_prefix(piece.size());
    MH_RETURN_IF_ERROR(WritePiece(piece));
  }
  return Status::Ok();
}

Status DeflateTransport::WritePiece(std::string_view data) {
  Impl& m = *impl_;
  z_stream& z = m.deflater;
  // deflate() never modifies its input; zlib's API is just not const-correct.
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  // With a flush, deflate() is called until it leaves room in the output
  // buffer: then all input is consumed and the sync marker is out.
  do {
    z.next_out = m.out_buf.data();
    z.avail_out = static_cast<uInt>(m.out_buf.size());
    int rc = deflate(&z, Z_SYNC_FLUSH);
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      m.broken =
          InternalError("compressing data for " + inner_->Describe() + ": " + ZlibMessage(z, rc));
      return m.broken;
    }
    size_t have = m.out_buf.size() - z.avail_out;
    if (have > 0) {
      Status s =
          inner_->Write(std::string_view(reinterpret_cast<const char*>(m.out_buf.data()), have));
      if (!s.ok()) {
        // Part of a compressed block may be on the wire: the stream can no
        // longer be continued.
        m.broken = s;
        return s;
      }
    }
  } while (z.avail_out == 0);
  return Status::Ok();
}

Status DeflateTransport::StartTls(const TlsOptions&) {
  return InvalidArgument("StartTls on " + inner_->Describe() +
                         ": TLS cannot start inside a COMPRESS=DEFLATE stream (RFC 4978 §4)");
}

CompressionStats DeflateTransport::stats() const {
  CompressionStats s;
  s.plain_read = impl_->inflater.total_out;
  s.wire_read = impl_->inflater.total_in;
  s.plain_written = impl_->deflater.total_in;
  s.wire_written = impl_->deflater.total_out;
  return s;
}

}  // namespace mailhoard::net
