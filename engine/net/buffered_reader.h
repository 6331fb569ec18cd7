// BufferedReader: line and counted reads over a Transport, for the line
// protocols (POP3, SMTP; IMAP's framer switches between lines and literals).
//
// Memory is bounded: the buffer only grows to the largest max_len a caller
// asks ReadLine for, and ReadExact streams counted data through a sink in
// chunks, so a 50 MB literal never sits in memory.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/net/transport.h"

namespace mailhoard::net {

class BufferedReader {
 public:
  static constexpr size_t kDefaultCapacity = 16 * 1024;
  // ReadLine refuses limits above this: a line limit is a safety bound, and
  // one this large is a bug in the caller, not a server quirk.
  static constexpr size_t kMaxLineLimit = 16 * 1024 * 1024;

  explicit BufferedReader(std::unique_ptr<Transport> transport, size_t capacity = kDefaultCapacity);

  // The next line without its CRLF (a bare LF also ends a line, for servers
  // that send one). The view stays valid until the next call on this reader.
  // A line longer than max_len is a kProtocol error naming the limit; the
  // connection should then be dropped. EOF is a kNetwork error (transient).
  Result<std::string_view> ReadLine(size_t max_len);

  // Up to len bytes: buffered ones first, else one Read from the transport.
  // 0 means end of stream.
  Result<size_t> ReadSome(char* buf, size_t len);

  // Exactly n bytes, passed to `sink` in chunks as they arrive (buffered ones
  // first). EOF before n bytes is a kNetwork error saying how many arrived.
  // An error from the sink stops reading and is returned as is.
  Status ReadExact(size_t n, const std::function<Status(const char*, size_t)>& sink);

  // Writes pass straight through; only reads are buffered.
  Status Write(std::string_view data) { return transport_->Write(data); }

  // STARTTLS / STLS: refused if the server sent bytes after its go-ahead.
  // Those bytes arrived in plaintext and would otherwise be read as if they
  // came over TLS (the CVE-2011-0411 command injection).
  Status StartTls(const TlsOptions& options);

  // Replaces the transport with a decorator around it (COMPRESS=DEFLATE),
  // refused for the same reason when bytes are still buffered.
  Status Wrap(const std::function<std::unique_ptr<Transport>(std::unique_ptr<Transport>)>& wrap);

  size_t buffered() const { return end_ - begin_; }
  Transport& transport() { return *transport_; }
  const Transport& transport() const { return *transport_; }
  std::unique_ptr<Transport> Release() { return std::move(transport_); }

 private:
  // Reads more bytes after end_, compacting first if the tail is full.
  // Returns the count read; 0 at EOF.
  Result<size_t> Fill();
  Status Eof(std::string_view during) const;

  std::unique_ptr<Transport> transport_;
  std::vector<char> buf_;
  size_t begin_ = 0;    // first unread byte
  size_t end_ = 0;      // one past the last buffered byte
  size_t scanned_ = 0;  // bytes from begin_ already searched for LF
};

}  // namespace mailhoard::net
