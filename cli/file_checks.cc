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

void CheckSecret(const SecretSource& s, std::vector<std::string>* out) {
  if (s.kind == SecretSource::Kind::kFile) CheckFile(s.key, s.value, true, out);
}

}  // namespace

std::vector<std::string> CheckReferencedFiles(const Config& config) {
  std::vector<std::string> out;
  std::string last_tenant;
  for (const AccountConfig& a : config.accounts) {
    // A tenant's files are the same for each of its mailboxes: checked once.
    if (!a.tenant.empty() && a.tenant == last_tenant) continue;
    last_tenant = a.tenant;
    const std::string prefix =
        a.tenant.empty() ? "accounts." + a.name + "." : "tenants." + a.tenant + ".";
    CheckSecret(a.password, &out);
    CheckFile(prefix + "tls_ca_file", a.tls_ca_file, false, &out);
    if (a.oauth) {
      CheckSecret(a.oauth->client_secret, &out);
      CheckFile(prefix + (a.tenant.empty() ? "oauth.ca_file" : "token_ca_file"), a.oauth->ca_file,
                false, &out);
    }
  }
  if (config.report) CheckSecret(config.report->password, &out);
  return out;
}

}  // namespace mailhoard::cli
