// Status and Result<T>: how errors cross module boundaries.
//
// Modelled on mbsync's error scopes and LevelDB's Status: cheap on success,
// and every error says what it affects (scope) and what the caller may do
// about it (retry class), plus a message a user can act on.
#pragma once

#include <cassert>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mailhoard {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,  // caller or configuration error
  kNotFound,
  kIo,  // local file system
  kDiskFull,
  kCorrupt,  // local data is not what we wrote
  kNetwork,  // connect, read, write, unexpected EOF; final: the host name does not exist
  kTimeout,
  kTls,          // handshake, verification
  kProtocol,     // the peer broke the protocol (malformed, over a limit)
  kServerNo,     // tagged NO / -ERR
  kServerBad,    // tagged BAD
  kServerBye,    // untagged BYE / connection closed by server
  kAuth,         // credentials rejected
  kUnsupported,  // the server lacks a capability we need
  kCancelled,
  kLocked,
  kInternal,
};

// What an error affects: one message, one folder, the whole account/store.
enum class ErrorScope { kMessage, kFolder, kAccount };

// What a caller may do: give up, retry soon (transient), or ask the user to
// sign in again.
enum class RetryClass { kFinal, kTransient, kAuth };

std::string_view ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(ErrorCode code, std::string message, ErrorScope scope = ErrorScope::kAccount,
                      RetryClass retry = RetryClass::kFinal) {
    Status s;
    s.code_ = code;
    s.message_ = std::move(message);
    s.scope_ = scope;
    s.retry_ = retry;
    return s;
  }

  bool ok() const { return code_ == ErrorCode::kOk; }
  explicit operator bool() const { return ok(); }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  ErrorScope scope() const { return scope_; }
  RetryClass retry() const { return retry_; }
  bool transient() const { return retry_ == RetryClass::kTransient; }

  // Prefixes context ("connecting to host:993: ") while keeping the class.
  Status WithContext(std::string_view context) const;
  Status WithScope(ErrorScope scope) const {
    Status s = *this;
    s.scope_ = scope;
    return s;
  }
  Status WithRetry(RetryClass retry) const {
    Status s = *this;
    s.retry_ = retry;
    return s;
  }
  // How long the server asked us to wait before trying again (Microsoft 365:
  // "Request is throttled. Suggested Backoff Time: N milliseconds").
  std::optional<std::chrono::milliseconds> retry_after() const { return retry_after_; }
  Status WithRetryAfter(std::chrono::milliseconds delay) const {
    Status s = *this;
    s.retry_after_ = delay;
    s.retry_ = RetryClass::kTransient;
    return s;
  }

  // "network: connecting to 127.0.0.1:993: Connection refused"
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
  ErrorScope scope_ = ErrorScope::kAccount;
  RetryClass retry_ = RetryClass::kFinal;
  std::optional<std::chrono::milliseconds> retry_after_;
};

// Common constructors; transient by default where the cause is usually the
// network or a busy server.
inline Status InvalidArgument(std::string m) {
  return Status::Error(ErrorCode::kInvalidArgument, std::move(m));
}
inline Status IoError(std::string m) { return Status::Error(ErrorCode::kIo, std::move(m)); }
inline Status NetworkError(std::string m) {
  return Status::Error(ErrorCode::kNetwork, std::move(m), ErrorScope::kAccount,
                       RetryClass::kTransient);
}
inline Status TimeoutError(std::string m) {
  return Status::Error(ErrorCode::kTimeout, std::move(m), ErrorScope::kAccount,
                       RetryClass::kTransient);
}
inline Status TlsError(std::string m) { return Status::Error(ErrorCode::kTls, std::move(m)); }
inline Status ProtocolError(std::string m) {
  return Status::Error(ErrorCode::kProtocol, std::move(m));
}
inline Status InternalError(std::string m) {
  return Status::Error(ErrorCode::kInternal, std::move(m));
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "Result built from an OK status carries no value");
    if (status_.ok()) status_ = InternalError("Result built from an OK status");
  }

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace mailhoard

// Early return on error, for functions returning Status or Result<U>.
#define MH_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::mailhoard::Status mh_status_ = (expr); \
    if (!mh_status_.ok()) return mh_status_; \
  } while (0)

#define MH_CONCAT_INNER(a, b) a##b
#define MH_CONCAT(a, b) MH_CONCAT_INNER(a, b)
// MH_ASSIGN_OR_RETURN(auto x, Foo()) — declares x from a Result or returns its status.
#define MH_ASSIGN_OR_RETURN(lhs, expr) \
  MH_ASSIGN_OR_RETURN_IMPL(MH_CONCAT(mh_result_, __LINE__), lhs, expr)
#define MH_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
