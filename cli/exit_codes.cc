#include "cli/exit_codes.h"

namespace mailhoard::cli {
namespace {

int Severity(ExitCode code) {
  switch (code) {
    case kExitOk:
      return 0;
    case kExitLocked:
      return 1;
    case kExitTempFail:
      return 2;
    case kExitPartial:
      return 3;
    case kExitInternal:
      return 4;
    case kExitLocalIo:
      return 5;
    case kExitAuth:
      return 6;
    case kExitConfig:
      return 7;
    case kExitUsage:
      return 8;
  }
  return 4;
}

}  // namespace

ExitCode ExitCodeFor(const Status& status) {
  if (status.ok()) return kExitOk;
  switch (status.code()) {
    case ErrorCode::kOk:
      return kExitOk;
    case ErrorCode::kInvalidArgument:
      return kExitUsage;
    case ErrorCode::kLocked:
      return kExitLocked;
    case ErrorCode::kAuth:
      return kExitAuth;
    case ErrorCode::kIo:
    case ErrorCode::kDiskFull:
    case ErrorCode::kCorrupt:
      // A local failure confined to one folder still leaves the rest archived.
      if (status.scope() != ErrorScope::kAccount) return kExitPartial;
      return kExitLocalIo;
    case ErrorCode::kInternal:
      return kExitInternal;
    default:
      break;
  }
  // Server and network errors: the retry class decides, then the scope.
  if (status.retry() == RetryClass::kAuth) return kExitAuth;
  if (status.retry() == RetryClass::kTransient) return kExitTempFail;
  switch (status.code()) {
    case ErrorCode::kTls:
      // A refused handshake (certificate, protocol version, a plaintext port)
      // fails again the same way until the config or the server changes.
      return kExitConfig;
    case ErrorCode::kNetwork:
      // Transient network errors returned above; a final one is a host name
      // that does not exist.
      return kExitConfig;
    case ErrorCode::kTimeout:
    case ErrorCode::kServerBye:
      return kExitTempFail;
    default:
      break;
  }
  // Final errors (protocol violations, refusals, missing
  // capabilities): one folder failing is a partial run; the whole account
  // failing is too, as far as the exit code can tell, but with the reason on
  // stderr.
  return kExitPartial;
}

ExitCode WorstExitCode(std::span<const ExitCode> codes) {
  ExitCode worst = kExitOk;
  for (ExitCode c : codes)
    if (Severity(c) > Severity(worst)) worst = c;
  return worst;
}

}  // namespace mailhoard::cli
