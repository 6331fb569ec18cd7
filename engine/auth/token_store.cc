#include "engine/auth/token_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace mailhoard::auth {
namespace {

using json = nlohmann::json;
using TimePoint = std::chrono::system_clock::time_point;

int64_t ToUnix(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
// 9e9 s is the year 2255; nanosecond time points end in 2262, and seconds
// beyond that would overflow converting to them.
constexpr int64_t kMaxUnix = 9'000'000'000;
TimePoint FromUnix(int64_t s) {
  return TimePoint(std::chrono::seconds(std::clamp<int64_t>(s, 0, kMaxUnix)));
}

// A time field: absent is 0; a float (no build of ours writes one) is
// clamped before it becomes an integer, as converting 1e300 would be
// undefined. Anything else throws json::type_error.
TimePoint UnixField(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return FromUnix(0);
  if (it->is_number_float()) {
    const double d = it->get<double>();
    return FromUnix(d > 0 && d < static_cast<double>(kMaxUnix) ? static_cast<int64_t>(d)
                    : d > 0                                    ? kMaxUnix
                                                               : 0);
  }
  if (it->is_number_unsigned()) {
    return FromUnix(static_cast<int64_t>(std::min<uint64_t>(it->get<uint64_t>(), kMaxUnix)));
  }
  return FromUnix(it->get<int64_t>());
}

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + strerror(errno);
}

std::string DirOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Status WriteAll(int fd, const std::string& data, const std::string& path) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (errno == ENOSPC) return Status::Error(ErrorCode::kDiskFull, Errno("writing", path));
      return IoError(Errno("writing", path));
    }
    off += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

Result<StoredToken> ParseStoredToken(std::string_view data, const std::string& path) {
  auto corrupt = [&](const std::string& why) {
    return Status::Error(ErrorCode::kCorrupt,
                         "token file " + path + " is damaged (" + why + "): sign in again",
                         ErrorScope::kAccount, RetryClass::kAuth);
  };
  json j = json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return corrupt("not a JSON object");
  StoredToken t;
  try {
    t.access_token = j.value("access_token", "");
    t.expires_at = UnixField(j, "expires_at");
    t.refresh_token = j.value("refresh_token", "");
    t.refresh_token_obtained_at = UnixField(j, "refresh_token_obtained_at");
    t.scopes = j.value("scopes", "");
    t.grant = j.value("grant", "refresh_token");
  } catch (const json::exception&) {
    return corrupt("a field has the wrong type");
  }
  if (t.access_token.empty() && t.refresh_token.empty() && t.grant != "client_credentials") {
    return corrupt("no token in it");
  }
  return t;
}

Result<StoredToken> TokenStore::Load() const {
  int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) {
      return Status::Error(ErrorCode::kNotFound, "no token file " + path_ + ": sign in first",
                           ErrorScope::kAccount, RetryClass::kAuth);
    }
    return IoError(Errno("cannot open token file", path_));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    Status s = IoError(Errno("cannot stat token file", path_));
    close(fd);
    return s;
  }
  // Like ssh with its keys: a token others can read may already be stolen,
  // and silently using it would hide that.
  if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
    close(fd);
    return InvalidArgument("token file " + path_ +
                           " is readable or writable by other users; run `chmod 600 " + path_ +
                           "` (and consider signing in again)");
  }
  std::string data;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = IoError(Errno("cannot read token file", path_));
      close(fd);
      return s;
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
    if (data.size() > 1024 * 1024) break;
  }
  close(fd);
  return ParseStoredToken(data, path_);
}

Status TokenStore::Save(const StoredToken& token) const {
  json j = {{"version", 1},
            {"access_token", token.access_token},
            {"expires_at", ToUnix(token.expires_at)},
            {"refresh_token", token.refresh_token},
            {"refresh_token_obtained_at", ToUnix(token.refresh_token_obtained_at)},
            {"scopes", token.scopes},
            {"grant", token.grant}};
  std::string data;
  try {
    data = j.dump(2) + "\n";
  } catch (const json::exception&) {
    // Only invalid UTF-8 makes dump() throw; tokens are ASCII, so the
    // identity provider sent garbage. The old file stays as it was.
    return ProtocolError("the identity provider sent a token or scope that is not valid UTF-8");
  }
  auto step = [&](SaveStep s) { return hook_ ? hook_(s) : Status::Ok(); };

  // First sign-in: the state directory may not exist yet. Only we may list
  // it (account names are in the file names).
  std::error_code ec;
  std::string dir = DirOf(path_);
  if (!std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return IoError("cannot create directory " + dir + ": " + ec.message());
    chmod(dir.c_str(), 0700);
  }
  // mkstemp creates the file 0600 from the start: no window where the new
  // token is readable by others.
  std::string tmp = path_ + ".tmp.XXXXXX";
  int fd = mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) return IoError(Errno("cannot create a temporary file next to", path_));
  auto fail = [&](Status s, bool crashed) {
    if (fd >= 0) close(fd);
    // An injected crash leaves the debris a real one would.
    if (!crashed) unlink(tmp.c_str());
    return s;
  };
  if (fchmod(fd, 0600) != 0) return fail(IoError(Errno("chmod", tmp)), false);
  if (Status s = step(SaveStep::kWriteTemp); !s.ok()) return fail(s, true);
  if (Status s = WriteAll(fd, data, tmp); !s.ok()) return fail(s, false);
  if (Status s = step(SaveStep::kFsyncTemp); !s.ok()) return fail(s, true);
  if (fsync(fd) != 0) return fail(IoError(Errno("fsync", tmp)), false);
  if (close(fd) != 0) {
    fd = -1;
    return fail(IoError(Errno("close", tmp)), false);
  }
  fd = -1;
  if (Status s = step(SaveStep::kRename); !s.ok()) return fail(s, true);
  if (rename(tmp.c_str(), path_.c_str()) != 0)
    return fail(IoError(Errno("rename to", path_)), false);
  if (Status s = step(SaveStep::kFsyncDir); !s.ok()) return s;
  // The rename is only durable once the directory entry is.
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return IoError(Errno("cannot open directory", dir));
  int rc = fsync(dfd);
  close(dfd);
  if (rc != 0) return IoError(Errno("fsync directory", dir));
  return Status::Ok();
}

Result<bool> RemoveTokenFile(const std::string& path) {
  if (unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return false;
    return IoError(Errno("cannot remove", path));
  }
  const std::string dir = DirOf(path);
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return IoError(Errno("cannot open directory", dir));
  int rc = fsync(dfd);
  close(dfd);
  if (rc != 0) return IoError(Errno("fsync directory", dir));
  return true;
}

Result<bool> MoveLegacyTokenFile(const std::string& legacy_path, const TokenStore& to) {
  struct stat st {};
  if (legacy_path == to.path()) return false;
  if (lstat(legacy_path.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    return IoError(Errno("cannot stat old token file", legacy_path));
  }
  auto current = to.Load();
  if (current.ok()) {
    // A move that stopped after its rename: the new file is at least as
    // recent as the old one.
    MH_RETURN_IF_ERROR(RemoveTokenFile(legacy_path).status());
    return true;
  }
  if (current.status().code() != ErrorCode::kNotFound) return current.status();
  MH_ASSIGN_OR_RETURN(StoredToken token, TokenStore(legacy_path).Load());
  MH_RETURN_IF_ERROR(to.Save(token));
  MH_RETURN_IF_ERROR(RemoveTokenFile(legacy_path).status());
  return true;
}

StoredToken ToStoredToken(const TokenSet& t, std::chrono::system_clock::time_point now,
                          std::string grant) {
  StoredToken s;
  s.access_token = t.access_token;
  s.expires_at = t.expires_at;
  s.refresh_token = t.refresh_token;
  s.refresh_token_obtained_at = t.refresh_token.empty() ? TimePoint{} : now;
  s.scopes = t.scope;
  s.grant = std::move(grant);
  return s;
}

OAuthTokenProvider::OAuthTokenProvider(TokenStore store, std::shared_ptr<OAuthClient> client)
    : store_(std::move(store)), client_(std::move(client)) {}

std::chrono::system_clock::time_point OAuthTokenProvider::Now() const {
  return client_->clock().WallNow();
}

Result<StoredToken> OAuthTokenProvider::LoadLocked() const {
  auto t = store_.Load();
  if (!t.ok() && t.status().code() == ErrorCode::kNotFound) {
    return Status::Error(ErrorCode::kAuth,
                         "not signed in: run `mailhoard login " + client_->account() + "`",
                         ErrorScope::kAccount, RetryClass::kAuth);
  }
  return t;
}

Result<std::string> OAuthTokenProvider::AccessToken() {
  std::lock_guard lock(mu_);
  // Read every time: `mailhoard login` in another process may have replaced
  // the file since.
  MH_ASSIGN_OR_RETURN(StoredToken current, LoadLocked());
  if (!current.access_token.empty() && current.expires_at - kRefreshMargin > Now()) {
    return current.access_token;
  }
  return RenewLocked(std::move(current));
}

Result<std::string> OAuthTokenProvider::ForceRefresh() {
  std::lock_guard lock(mu_);
  MH_ASSIGN_OR_RETURN(StoredToken current, LoadLocked());
  return RenewLocked(std::move(current));
}

Result<std::string> OAuthTokenProvider::RenewLocked(StoredToken current) {
  const bool app_only = current.grant == "client_credentials";
  MH_ASSIGN_OR_RETURN(TokenSet t, app_only ? client_->ClientCredentials()
                                           : client_->Refresh(current.refresh_token));
  StoredToken next = current;
  next.access_token = t.access_token;
  next.expires_at = t.expires_at;
  if (!t.scope.empty()) next.scopes = t.scope;
  if (!app_only && t.refresh_token != current.refresh_token) {
    next.refresh_token = t.refresh_token;
    next.refresh_token_obtained_at = Now();
  }
  // Saved before the token is used: were we to crash after logging in with
  // it but before saving, a rotated refresh token would be lost. If saving
  // fails, the old file is intact and its refresh token still works.
  MH_RETURN_IF_ERROR(store_.Save(next));
  return next.access_token;
}

Result<std::chrono::seconds> OAuthTokenProvider::RefreshTokenAge() {
  std::lock_guard lock(mu_);
  MH_ASSIGN_OR_RETURN(StoredToken current, LoadLocked());
  if (current.refresh_token.empty()) {
    return Status::Error(ErrorCode::kNotFound, "this account has no refresh token");
  }
  return std::chrono::duration_cast<std::chrono::seconds>(Now() -
                                                          current.refresh_token_obtained_at);
}

}  // namespace mailhoard::auth
