// libFuzzer target for config.toml: toml++ and every table reader behind
// ParseConfig, from a string, with a fixed environment (no process state).
// A tenant's mailboxes_cmd / mailboxes_file are read through ResolveSecret
// (cli/credentials.cc); that file is not linked here and the stub below
// answers instead, so fuzz input never runs a command or reads a file.
// Oracles beyond "no crash / no sanitizer report": no exception reaches
// the safety net (kInternal); a config that parses parses again the same.
#include <cstdint>
#include <optional>
#include <string>

#include "cli/config.h"
#include "cli/credentials.h"
#include "tests/fuzz/fuzz_util.h"

namespace mailhoard::cli {

Result<std::string> ResolveSecret(const SecretSource& source, std::vector<std::string>*,
                                  const SecretOptions&) {
  if (source.value.find('!') != std::string::npos) return InvalidArgument(source.key + ": failed");
  return std::string("alice@example.org\n# comment\nbob@example.org\n");
}

}  // namespace mailhoard::cli

namespace {

using mailhoard::fuzz::Check;

std::optional<std::string> Env(const std::string& name) {
  if (name == "HOME") return std::string("/home/fuzz");
  if (name == "PW") return std::string("secret");
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string_view text = mailhoard::fuzz::AsText(data, size);
  auto config = mailhoard::cli::ParseConfig(text, "fuzz.toml", Env);
  if (!config.ok()) {
    Check(config.status().code() != mailhoard::ErrorCode::kInternal);
    return 0;
  }
  auto again = mailhoard::cli::ParseConfig(text, "fuzz.toml", Env);
  Check(again.ok() && again->accounts.size() == config->accounts.size());
  return 0;
}
