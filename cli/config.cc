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

// One error holding every collected one, a line each, in file order. A
// table's first unknown key comes twice (CheckKeys collects it and returns
// it): said once.
Status Combined(const std::vector<Status>& errors) {
  std::vector<std::string> said;
  std::string message;
  for (const Status& e : errors) {
    if (std::find(said.begin(), said.end(), e.message()) != said.end()) continue;
    said.push_back(e.message());
    message += (message.empty() ? "" : "\n") + e.message();
  }
  return Status::Error(errors.front().code(), message);
}

// Each part of the file that can be read without the others is read even
// after an error elsewhere, so one pass reports every error.
Result<Config> ParseRoot(const toml::table& root, const std::string& source_name,
                         const EnvLookup& env) {
  Config config;
  config.source_path = source_name;
  std::vector<Status> errors;
  ParseContext ctx{source_name, env, &config.warnings, &errors};
  auto keep = [&errors](const Status& s) {
    if (!s.ok()) errors.push_back(s);
    return s.ok();
  };
  TableReader r(root, "", ctx);
  // An unknown top-level key is often a misspelt archive or accounts: then
  // "required" errors about those would only repeat the typo.
  const bool root_keys_ok = keep(r.CheckKeys(kRootKeys));
  if (keep(r.ReadPath("archive", &config.archive_root)) && config.archive_root.empty() &&
      root_keys_ok) {
    keep(
        r.TableError("archive is required: the directory that holds one folder per account, "
                     "e.g. archive = \"~/Mail/hoard\""));
  }
  while (config.archive_root.size() > 1 && config.archive_root.back() == '/') {
    config.archive_root.pop_back();
  }

  const toml::table* accounts = nullptr;
  bool accounts_failed = !keep(r.ReadTable("accounts", &accounts)) || !root_keys_ok;
  if (accounts != nullptr) {
    TableReader ar(*accounts, "accounts", ctx);
    for (const auto& [key, node] : InFileOrder(*accounts)) {
      const std::string name(key->str());
      const toml::table* t = nullptr;
      if (!keep(CheckDirectoryName(ar, name, "account")) || !keep(ar.ReadTable(name, &t)) ||
          t == nullptr) {
        accounts_failed = true;
        continue;
      }
      Result<AccountConfig> account =
          ParseAccount(name, TableReader(*t, ar.KeyPath(name), ctx), config.archive_root, ctx);
      if (!keep(account.status())) {
        accounts_failed = true;
        continue;
      }
      config.accounts.push_back(std::move(account).value());
    }
  }
  // Every mailbox of a [tenants.NAME] becomes an account "NAME/address".
  if (!keep(ParseTenants(r, ctx, &config))) accounts_failed = true;
  if (config.accounts.empty() && !accounts_failed) {
    keep(r.TableError(
        "no accounts: add at least one [accounts.NAME] table (or a [tenants.NAME] with "
        "mailboxes)"));
  }
  int64_t parallel = config.parallel_accounts;
  keep(r.ReadInt("parallel_accounts", 1, 256, &parallel));
  config.parallel_accounts = static_cast<int>(parallel);

  // [report] and [check] name accounts; after a broken account they would
  // only add errors about it.
  const toml::table* report = nullptr;
  if (keep(r.ReadTable("report", &report)) && report != nullptr && !accounts_failed) {
    auto parsed = ParseReport(TableReader(*report, "report", ctx), config.accounts, ctx);
    if (keep(parsed.status())) config.report = std::move(parsed).value();
  }
  const toml::table* check = nullptr;
  if (keep(r.ReadTable("check", &check)) && check != nullptr) {
    auto parsed = ParseCheck(TableReader(*check, "check", ctx));
    if (keep(parsed.status())) config.check = std::move(parsed).value();
  }
  if (!errors.empty()) return Combined(errors);
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
