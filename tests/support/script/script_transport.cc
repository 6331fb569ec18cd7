#include "tests/support/script/script_transport.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace mailhoard::testing {

using Kind = ScriptStep::Kind;

namespace {

std::string_view KindName(Kind k) {
  switch (k) {
    case Kind::kServer:
      return "Server";
    case Kind::kClient:
      return "Client";
    case Kind::kEof:
      return "Eof";
    case Kind::kError:
      return "Error";
    case Kind::kStartTls:
      return "StartTls";
  }
  return "?";
}

}  // namespace

ScriptTransport::ScriptTransport(std::vector<ScriptStep> steps, ScriptOptions options)
    : steps_(std::move(steps)), options_(std::move(options)), rng_(options_.seed) {}

std::string ScriptTransport::Escape(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    switch (c) {
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string ScriptTransport::Where() const {
  if (step_ >= steps_.size()) return "after the last step";
  const ScriptStep& s = steps_[step_];
  std::string w = "at step " + std::to_string(step_ + 1) + " " + std::string(KindName(s.kind));
  if (s.kind == Kind::kServer || s.kind == Kind::kClient) {
    w += "(\"" + Escape(std::string_view(s.bytes).substr(offset_)) + "\")";
    if (offset_) w += " (" + std::to_string(offset_) + " bytes in)";
  }
  return w;
}

Status ScriptTransport::Fail(Status status) {
  if (failure_.ok()) failure_ = status;
  return status;
}

Result<size_t> ScriptTransport::Read(char* buf, size_t len) {
  if (closed_) return Fail(InternalError("script: Read after Close " + Where()));
  if (step_ >= steps_.size()) {
    return Fail(InternalError("script: client reads past the end of the script"));
  }
  ScriptStep& s = steps_[step_];
  switch (s.kind) {
    case Kind::kEof:
      return size_t{0};  // stays here: every later Read is EOF too
    case Kind::kError: {
      Status e = s.error;
      ++step_;
      return e;
    }
    case Kind::kServer: {
      size_t rest = s.bytes.size() - offset_;
      size_t n = std::min(len, rest);
      if (options_.delivery == Delivery::kOneByte) {
        n = std::min<size_t>(n, 1);
      } else if (options_.delivery == Delivery::kRandom && n > 1) {
        n = std::uniform_int_distribution<size_t>(1, n)(rng_);
      }
      std::memcpy(buf, s.bytes.data() + offset_, n);
      offset_ += n;
      if (offset_ == s.bytes.size()) {
        ++step_;
        offset_ = 0;
      }
      if (options_.delivery == Delivery::kGreedy && n < len && step_ < steps_.size() &&
          steps_[step_].kind == Kind::kServer) {
        MH_ASSIGN_OR_RETURN(size_t more, Read(buf + n, len - n));
        n += more;
      }
      return n;
    }
    case Kind::kClient:
    case Kind::kStartTls:
      // A real server would wait for the client here: the client would hang.
      return Fail(
          InternalError("script: client reads, but the script expects the client " + Where()));
  }
  return Fail(InternalError("script: bad step"));
}

Status ScriptTransport::Write(std::string_view data) {
  if (closed_) return Fail(InternalError("script: Write after Close " + Where()));
  written_.append(data);
  while (!data.empty()) {
    if (step_ >= steps_.size()) {
      return Fail(InternalError("script: client wrote \"" + Escape(data) +
                                "\" after the end of the script"));
    }
    ScriptStep& s = steps_[step_];
    if (s.kind == Kind::kError) {
      Status e = s.error;
      ++step_;
      return e;
    }
    if (s.kind != Kind::kClient) {
      return Fail(InternalError("script: client wrote \"" + Escape(data) + "\" " + Where()));
    }
    std::string_view expected = std::string_view(s.bytes).substr(offset_);
    size_t n = std::min(expected.size(), data.size());
    size_t diff = 0;
    while (diff < n && expected[diff] == data[diff]) ++diff;
    if (diff < n) {
      return Fail(InternalError("script: client bytes differ " + Where() + " at offset " +
                                std::to_string(offset_ + diff) + "\n  expected: \"" +
                                Escape(s.bytes) + "\"\n    actual: \"" +
                                Escape(std::string_view(s.bytes).substr(0, offset_)) +
                                Escape(data) + "\""));
    }
    offset_ += n;
    data.remove_prefix(n);
    if (offset_ == s.bytes.size()) {
      ++step_;
      offset_ = 0;
    }
  }
  return Status::Ok();
}

Status ScriptTransport::StartTls(const net::TlsOptions& options) {
  if (step_ >= steps_.size() || steps_[step_].kind != Kind::kStartTls) {
    return Fail(InternalError("script: client starts TLS " + Where()));
  }
  if (tls_) return Fail(InternalError("script: StartTls twice"));
  tls_ = true;
  tls_options_ = options;
  ++step_;
  return Status::Ok();
}

Status ScriptTransport::Done() const {
  if (!failure_.ok()) return failure_;
  size_t i = step_;
  while (i < steps_.size() && steps_[i].kind == Kind::kEof && offset_ == 0) ++i;
  if (i < steps_.size()) {
    return InternalError("script: not finished, stopped " + Where() + "; client wrote \"" +
                         Escape(written_) + "\"");
  }
  return Status::Ok();
}

}  // namespace mailhoard::testing
