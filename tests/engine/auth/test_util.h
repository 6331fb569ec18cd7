// Helpers shared by the auth tests: a temp directory and a scripted
// HttpClient (the fake clock is tests/core/fake_clock.h).
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/auth/http_client.h"

namespace mailhoard::auth::test {

class TempDir {
 public:
  TempDir() {
    const char* base = getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/mh-auth-test-XXXXXX";
    path_ = mkdtemp(tmpl.data()) ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline unsigned Mode(const std::string& path) {
  struct stat st {};
  stat(path.c_str(), &st);
  return st.st_mode & 07777;
}

// Answers requests from a queue and records what was asked.
class ScriptedHttp final : public HttpClient {
 public:
  struct Request {
    std::string url;
    FormFields fields;
    std::string Field(const std::string& k) const {
      for (const auto& [key, v] : fields) {
        if (key == k) return v;
      }
      return "";
    }
  };
  std::deque<Result<HttpResponse>> replies;
  std::vector<Request> requests;

  void Reply(long status, std::string body) { replies.push_back(HttpResponse{status, body, ""}); }
  Result<HttpResponse> PostForm(const std::string& url, const FormFields& fields) override {
    requests.push_back({url, fields});
    if (replies.empty()) return InternalError("script ran out of replies");
    auto r = replies.front();
    replies.pop_front();
    return r;
  }
  Result<HttpResponse> Get(const std::string& url) override { return PostForm(url, {}); }
};

}  // namespace mailhoard::auth::test
