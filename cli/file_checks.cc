#include "cli/file_checks.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace mailhoard::cli {
namespace {

void CheckFile(const std::string& key, const std::string& path, bool secret,
               std::vector<std::string>* out) {
  if (path.empty()) return;
  const std::string what = key + " (" + path + ")";
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    out->push_back(what + ": " + (errno == ENOENT ? "does not exist" : std::strerror(errno)));
    return;
  }
  if (!S_ISREG(st.st_mode)) {
    out->push_back(what + ": not a regular file");
    return;
  }
  if (secret && (st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    out->push_back(what + ": readable by group or others (mode " + mode + "); run chmod 600 on it");
  }
}

void CheckSecret(const SecretSource& s, const EnvLookup& env, std::vector<std::string>* out) {
  if (s.kind == SecretSource::Kind::kFile) CheckFile(s.key, s.value, true, out);
  if (s.kind == SecretSource::Kind::kEnv && !env(s.value)) {
    out->push_back(s.key + " (" + s.value +
                   "): not set here, so a run from this shell cannot sign in; cron and systemd "
                   "do not see your shell's variables (set it in the crontab, or Environment= / "
                   "EnvironmentFile= of the unit)");
  }
  if (s.kind == SecretSource::Kind::kCommand && PrintsLiteral(s.value)) {
    const std::string base = s.key.substr(0, s.key.size() - 4);  // without "_cmd"
    out->push_back(s.key +
                   ": the command only prints text written here, so the secret is in the "
                   "config file; ask a password manager instead (e.g. `pass show ...`), or use " +
                   base + "_file or " + base + "_env");
  }
}

}  // namespace

bool PrintsLiteral(std::string_view command) {
  const size_t start = command.find_first_not_of(" \t");
  if (start == std::string_view::npos) return false;
  const size_t end = command.find_first_of(" \t", start);
  std::string_view word = command.substr(start, end == std::string_view::npos ? end : end - start);
  if (const size_t slash = word.rfind('/'); slash != std::string_view::npos) {
    word = word.substr(slash + 1);
  }
  if (word != "echo" && word != "printf") return false;
  return command.find_first_of(";|&$`()<>\n") == std::string_view::npos;
}

std::vector<std::string> CheckReferencedFiles(const Config& config, const EnvLookup& env) {
  std::vector<std::string> out;
  std::string last_tenant;
  for (const AccountConfig& a : config.accounts) {
    // A tenant's files are the same for each of its mailboxes: checked once.
    if (!a.tenant.empty() && a.tenant == last_tenant) continue;
    last_tenant = a.tenant;
    const std::string prefix =
        a.tenant.empty() ? "accounts." + a.name + "." : "tenants." + a.tenant + ".";
    CheckSecret(a.password, env, &out);
    CheckFile(prefix + "tls_ca_file", a.tls_ca_file, false, &out);
    if (a.oauth) {
      CheckSecret(a.oauth->client_secret, env, &out);
      CheckFile(prefix + (a.tenant.empty() ? "oauth.ca_file" : "token_ca_file"), a.oauth->ca_file,
                false, &out);
    }
  }
  if (config.report) CheckSecret(config.report->password, env, &out);
  return out;
}

}  // namespace mailhoard::cli
