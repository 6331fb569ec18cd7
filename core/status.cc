#include "core/status.h"

namespace mailhoard {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kInvalidArgument:
      return "invalid argument";
    case ErrorCode::kNotFound:
      return "not found";
    case ErrorCode::kIo:
      return "i/o error";
    case ErrorCode::kDiskFull:
      return "disk full";
    case ErrorCode::kCorrupt:
      return "corrupt data";
    case ErrorCode::kNetwork:
      return "network error";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kTls:
      return "tls error";
    case ErrorCode::kProtocol:
      return "protocol error";
    case ErrorCode::kServerNo:
      return "server refused";
    case ErrorCode::kServerBad:
      return "server rejected command";
    case ErrorCode::kServerBye:
      return "server closed connection";
    case ErrorCode::kAuth:
      return "authentication failed";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kLocked:
      return "locked";
    case ErrorCode::kInternal:
      return "internal error";
  }
  return "unknown error";
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  Status s = *this;
  s.message_ = std::string(context) + ": " + message_;
  return s;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(ErrorCodeName(code_)) + ": " + message_;
}

}  // namespace mailhoard
