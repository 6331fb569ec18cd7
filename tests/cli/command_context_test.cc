#include "cli/commands/command_context.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "cli/app.h"

namespace mailhoard::cli {
namespace {

TEST_CASE("account failures are printed with their exit code", "[context]") {
  std::ostringstream out, err;
  CommandContext ctx(out, err);
  CHECK(ctx.ReportAccountFailure(NetworkError("connecting to h:993: refused")) == kExitTempFail);
  CHECK(err.str() == "mailhoard: connecting to h:993: refused\n");
  CHECK(ctx.ReportAccountFailure(Status::Ok()) == kExitOk);
  CHECK(err.str() == "mailhoard: connecting to h:993: refused\n");
}

TEST_CASE("a held lock is silent under -q, real failures are not", "[context]") {
  std::ostringstream out, err;
  CommandContext ctx(out, err);
  const Status locked = Status::Error(ErrorCode::kLocked, "account work is being synced");
  CHECK(ctx.ReportAccountFailure(locked) == kExitLocked);
  CHECK(err.str() == "mailhoard: account work is being synced\n");
  err.str("");
  ctx.quiet = true;
  CHECK(ctx.ReportAccountFailure(locked) == kExitLocked);
  CHECK(err.str().empty());
  CHECK(ctx.ReportAccountFailure(Status::Error(ErrorCode::kAuth, "token revoked")) == kExitAuth);
  CHECK(err.str() == "mailhoard: token revoked\n");
  ctx.PrintWarning("ignored under -q");
  CHECK(err.str() == "mailhoard: token revoked\n");
}

int RunInProcess(std::initializer_list<const char*> args, std::string* out, std::string* err) {
  std::vector<const char*> argv = {"mailhoard"};
  argv.insert(argv.end(), args);
  std::ostringstream o, e;
  const int code = RunMailhoard(static_cast<int>(argv.size()), argv.data(), o, e);
  *out = o.str();
  *err = e.str();
  return code;
}

TEST_CASE("mistyped commands are named, with a suggestion", "[context]") {
  std::string out, err;
  CHECK(RunInProcess({"synk"}, &out, &err) == kExitUsage);
  CHECK(err.rfind("mailhoard: unknown command \"synk\" (did you mean \"sync\"?)\n", 0) == 0);
  CHECK(RunInProcess({"config", "chek"}, &out, &err) == kExitUsage);
  CHECK(err.rfind("mailhoard: unknown command \"chek\" (did you mean \"check\"?)\n", 0) == 0);
  CHECK(RunInProcess({"-q", "frobnicate"}, &out, &err) == kExitUsage);
  CHECK(err.find("expected one of sync push status folders login search verify export config") !=
        std::string::npos);
}

TEST_CASE("global options are accepted after the command", "[context]") {
  std::string out, err;
  CHECK(RunInProcess({"config", "example", "-q"}, &out, &err) == kExitOk);
  CHECK(out.rfind("# mailhoard configuration", 0) == 0);
}

}  // namespace
}  // namespace mailhoard::cli
