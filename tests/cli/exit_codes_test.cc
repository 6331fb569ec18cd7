#include "cli/exit_codes.h"

#include <catch2/catch.hpp>

namespace mailhoard::cli {
namespace {

TEST_CASE("status to exit code", "[exit_codes]") {
  CHECK(ExitCodeFor(Status::Ok()) == 0);
  CHECK(ExitCodeFor(InvalidArgument("bad key")) == 2);
  CHECK(ExitCodeFor(Status::Error(ErrorCode::kLocked, "held")) == 73);
  CHECK(ExitCodeFor(NetworkError("refused")) == 75);
  CHECK(ExitCodeFor(TimeoutError("slow")) == 75);
  // The one final network error is a host name that does not exist: a config
  // error that retrying cannot heal, and so is a refused TLS handshake.
  CHECK(ExitCodeFor(Status::Error(ErrorCode::kNetwork, "no such host")) == 78);
  CHECK(ExitCodeFor(TlsError("certificate not trusted")) == 78);
  CHECK(ExitCodeFor(TlsError("bad record").WithRetry(RetryClass::kTransient)) == 75);
  CHECK(ExitCodeFor(Status::Error(ErrorCode::kServerBye, "bye")) == 75);
  CHECK(ExitCodeFor(Status::Error(ErrorCode::kServerNo, "[UNAVAILABLE] busy", ErrorScope::kAccount,
                                  RetryClass::kTransient)) == 75);
  CHECK(ExitCodeFor(Status::Error(ErrorCode::kAuth, "rejected")) == 77);
  CHECK(ExitCodeFor(Status::Error(ErrorCode::kServerNo, "token revoked", ErrorScope::kAccount,
                                  RetryClass::kAuth)) == 77);
  CHECK(ExitCodeFor(Status::Error(ErrorCode::kDiskFull, "full")) == 74);
  CHECK(ExitCodeFor(IoError("EACCES")) == 74);
  CHECK(ExitCodeFor(IoError("one folder").WithScope(ErrorScope::kFolder)) == 1);
  CHECK(ExitCodeFor(Status::Error(ErrorCode::kServerNo, "no such folder", ErrorScope::kFolder)) ==
        1);
  CHECK(ExitCodeFor(ProtocolError("garbage")) == 1);
  CHECK(ExitCodeFor(InternalError("bug")) == 70);
}

TEST_CASE("the worst exit code of several accounts wins", "[exit_codes]") {
  CHECK(WorstExitCode({}) == kExitOk);
  const ExitCode a[] = {kExitOk, kExitLocked};
  CHECK(WorstExitCode(a) == kExitLocked);
  const ExitCode b[] = {kExitLocked, kExitTempFail, kExitOk};
  CHECK(WorstExitCode(b) == kExitTempFail);
  const ExitCode c[] = {kExitTempFail, kExitPartial};
  CHECK(WorstExitCode(c) == kExitPartial);
  const ExitCode d[] = {kExitPartial, kExitAuth, kExitLocalIo};
  CHECK(WorstExitCode(d) == kExitAuth);
  const ExitCode e[] = {kExitAuth, kExitUsage};
  CHECK(WorstExitCode(e) == kExitUsage);
  const ExitCode f[] = {kExitAuth, kExitConfig, kExitTempFail};
  CHECK(WorstExitCode(f) == kExitConfig);
  const ExitCode g[] = {kExitConfig, kExitUsage};
  CHECK(WorstExitCode(g) == kExitUsage);
}

}  // namespace
}  // namespace mailhoard::cli
