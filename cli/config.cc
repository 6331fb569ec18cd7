#include "cli/config.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cli/account_parser.h"
#include "cli/config_location.h"
#include "cli/report_parser.h"
#include "cli/tenant_config.h"
#include "cli/toml_reader.h"

namespace mailhoard::cli {
namespace {

constexpr std::string_view kRootKeys[] = {"archive", "accounts",          "tenants",
                                          "report",  "parallel_accounts", "check"};
// Config files are small; anything bigger is not a config file.
constexpr std::streamsize kMaxConfigBytes = 1 << 20;

Result<Config> ParseRoot(const toml::table& root, const std::string& source_name,
                         const EnvLookup& env) {
  Config config;
  config.source_path = source_name;
  ParseContext ctx{source_name, env, &config.warnings};
  TableReader r(root, "", ctx);
  MH_RETURN_IF_ERROR(r.CheckKeys(kRootKeys));
  MH_RETURN_IF_ERROR(r.ReadPath("archive", &config.archive_root));
  if (config.archive_root.empty()) {
    return r.TableError(
        "archive is required: the directory that holds one folder per account, "
        "e.g. archive = \"~/Mail/hoard\"");
  }
  while (config.archive_root.size() > 1 && config.archive_root.back() == '/') {
    config.archive_root.pop_back();
  }

  const toml::table* accounts = nullptr;
  MH_RETURN_IF_ERROR(r.ReadTable("accounts", &accounts));
  if (accounts != nullptr) {
    TableReader ar(*accounts, "accounts", ctx);
    for (const auto& [key, node] : InFileOrder(*accounts)) {
      const std::string name(key->str());
      MH_RETURN_IF_ERROR(CheckDirectoryName(ar, name, "account"));
      const toml::table* t = nullptr;
      MH_RETURN_IF_ERROR(ar.ReadTable(name, &t));
      MH_ASSIGN_OR_RETURN(
          AccountConfig account,
          ParseAccount(name, TableReader(*t, ar.KeyPath(name), ctx), config.archive_root, ctx));
      config.accounts.push_back(std::move(account));
    }
  }
  // Every mailbox of a [tenants.NAME] becomes an account "NAME/address".
  MH_RETURN_IF_ERROR(ParseTenants(r, ctx, &config));
  if (config.accounts.empty()) {
    return r.TableError(
        "no accounts: add at least one [accounts.NAME] table (or a [tenants.NAME] with "
        "mailboxes)");
  }
  int64_t parallel = config.parallel_accounts;
  MH_RETURN_IF_ERROR(r.ReadInt("parallel_accounts", 1, 256, &parallel));
  config.parallel_accounts = static_cast<int>(parallel);

  const toml::table* report = nullptr;
  MH_RETURN_IF_ERROR(r.ReadTable("report", &report));
  if (report != nullptr) {
    MH_ASSIGN_OR_RETURN(config.report,
                        ParseReport(TableReader(*report, "report", ctx), config.accounts, ctx));
  }
  const toml::table* check = nullptr;
  MH_RETURN_IF_ERROR(r.ReadTable("check", &check));
  if (check != nullptr) {
    MH_ASSIGN_OR_RETURN(config.check, ParseCheck(TableReader(*check, "check", ctx)));
  }
  return config;
}

}  // namespace

Result<std::string> DefaultConfigPath(const EnvLookup& env) {
  MH_ASSIGN_OR_RETURN(ConfigLocation location, LocateConfig("", env));
  return location.path;
}

Result<Config> ParseConfig(std::string_view text, const std::string& source_name,
                           const EnvLookup& env) {
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    ParseContext ctx{source_name, env, nullptr};
    return LocatedError(ctx, e.source(), "syntax error: " + std::string(e.description()));
  }
  try {
    return ParseRoot(root, source_name, env);
  } catch (const std::exception& e) {
    // toml++ accessors used above do not throw; this is a safety net so no
    // exception ever crosses the module boundary.
    return InternalError(source_name + ": " + e.what());
  }
}

Result<Config> LoadConfig(const std::string& path, const EnvLookup& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    if (err == ENOENT) {
      return Status::Error(ErrorCode::kNotFound,
                           "cannot read config file " + path + ": " + std::strerror(err) +
                               " (create it with `mailhoard -c " + path + " config init`)");
    }
    return IoError("cannot read config file " + path + ": " + std::strerror(err));
  }
  std::ostringstream buffer;
  std::vector<char> chunk(64 * 1024);
  std::streamsize total = 0;
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    total += in.gcount();
    if (total > kMaxConfigBytes) {
      return InvalidArgument(path + ": too large for a config file (over 1 MiB)");
    }
    buffer.write(chunk.data(), in.gcount());
  }
  if (in.bad()) return IoError("cannot read config file " + path);
  return ParseConfig(buffer.str(), path, env);
}

}  // namespace mailhoard::cli
