#include "engine/auth/curl_library.h"

#include <dlfcn.h>

#include <mutex>
#include <string>

namespace mailhoard::auth {
namespace {

// The soname of Debian's libcurl4 / libcurl4-openssl packages (ABI 4).
constexpr char kSoname[] = "libcurl.so.4";

template <typename F>
bool Resolve(void* handle, const char* name, F* out, std::string* missing) {
  *out = reinterpret_cast<F>(dlsym(handle, name));
  if (!*out && missing->empty()) *missing = name;
  return *out != nullptr;
}

Result<const CurlLibrary*> Load() {
  void* handle = dlopen(kSoname, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    return Status::Error(ErrorCode::kUnsupported,
                         std::string("OAuth2 needs libcurl (") + kSoname +
                             "), which could not be loaded: " + (why ? why : "unknown error") +
                             "; install it (Debian: apt install libcurl4)");
  }
  static CurlLibrary lib;
  std::string missing;
  Resolve(handle, "curl_global_init", &lib.global_init, &missing);
  Resolve(handle, "curl_easy_init", &lib.easy_init, &missing);
  Resolve(handle, "curl_easy_setopt", &lib.easy_setopt, &missing);
  Resolve(handle, "curl_easy_perform", &lib.easy_perform, &missing);
  Resolve(handle, "curl_easy_getinfo", &lib.easy_getinfo, &missing);
  Resolve(handle, "curl_easy_cleanup", &lib.easy_cleanup, &missing);
  Resolve(handle, "curl_easy_strerror", &lib.easy_strerror, &missing);
  Resolve(handle, "curl_slist_append", &lib.slist_append, &missing);
  Resolve(handle, "curl_slist_free_all", &lib.slist_free_all, &missing);
  if (!missing.empty()) {
    return Status::Error(ErrorCode::kUnsupported,
                         std::string(kSoname) + " lacks " + missing + "; it is too old");
  }
  // Not thread-safe by itself; done once, under the call_once below.
  lib.global_init(CURL_GLOBAL_DEFAULT);
  return &lib;
}

}  // namespace

Result<const CurlLibrary*> LoadCurl() {
  static std::once_flag once;
  static Result<const CurlLibrary*> loaded = InternalError("libcurl not loaded");
  std::call_once(once, [] { loaded = Load(); });
  return loaded;
}

}  // namespace mailhoard::auth
