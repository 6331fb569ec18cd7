#include "engine/auth/http_client.h"

#include <cctype>

#include "engine/auth/curl_library.h"

namespace mailhoard::auth {
namespace {

size_t Collect(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  // A token endpoint answers in a few KB; refuse to buffer a runaway reply.
  if (body->size() + size * n > 1024 * 1024) return 0;
  body->append(data, size * n);
  return size * n;
}

// The URL for messages: never the query (it may carry a code) nor a
// user:password@ part.
std::string Where(const std::string& url) {
  std::string out = url.substr(0, url.find_first_of("?#"));
  auto scheme = out.find("://");
  auto host = scheme == std::string::npos ? 0 : scheme + 3;
  auto at = out.find('@', host);
  if (at != std::string::npos && at < out.find('/', host)) out.erase(host, at + 1 - host);
  return out;
}

Status CurlError(const CurlLibrary& lib, CURLcode rc, const std::string& url, const char* detail) {
  std::string m = "HTTP request to " + Where(url) + " failed: " + lib.easy_strerror(rc);
  if (detail && *detail) m += std::string(" (") + detail + ")";
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      return TimeoutError(m);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return NetworkError(m);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
      return TlsError(m);
    case CURLE_UNSUPPORTED_PROTOCOL:
      return InvalidArgument(m);
    default:
      return NetworkError(m);
  }
}

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(HttpOptions options) : options_(std::move(options)) {}

  Result<HttpResponse> PostForm(const std::string& url, const FormFields& fields) override {
    std::string body = FormEncode(fields);
    return Perform(url, &body);
  }
  Result<HttpResponse> Get(const std::string& url) override { return Perform(url, nullptr); }

 private:
  Result<HttpResponse> Perform(const std::string& url, const std::string* post_body) {
    MH_ASSIGN_OR_RETURN(const CurlLibrary* lib, LoadCurl());
    const auto setopt = lib->easy_setopt;
    CURL* curl = lib->easy_init();
    if (!curl) return InternalError("curl_easy_init failed");
    HttpResponse response;
    char error[CURL_ERROR_SIZE] = {0};
    curl_slist* headers = lib->slist_append(nullptr, "Accept: application/json");
    setopt(curl, CURLOPT_URL, url.c_str());
    setopt(curl, CURLOPT_ERRORBUFFER, error);
    setopt(curl, CURLOPT_NOSIGNAL, 1L);
    setopt(curl, CURLOPT_HTTPHEADER, headers);
    setopt(curl, CURLOPT_PROTOCOLS_STR, options_.allow_http ? "https,http" : "https");
    // A token endpoint that redirects is misconfigured or hostile: the form
    // carries secrets, so we never follow it anywhere.
    setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.ca_file.empty()) setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
    setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
    setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
    setopt(curl, CURLOPT_WRITEDATA, &response.body);
    if (post_body) {
      setopt(curl, CURLOPT_POSTFIELDS, post_body->c_str());
      setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(post_body->size()));
    }
    CURLcode rc = lib->easy_perform(curl);
    Status status;
    if (rc != CURLE_OK) {
      status = CurlError(*lib, rc, url, error);
    } else {
      lib->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
      char* location = nullptr;
      if (lib->easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location) {
        response.location = location;
      }
    }
    lib->slist_free_all(headers);
    lib->easy_cleanup(curl);
    if (!status.ok()) return status;
    return response;
  }

  HttpOptions options_;
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::unique_ptr<HttpClient> MakeCurlHttpClient(HttpOptions options) {
  return std::make_unique<CurlHttpClient>(std::move(options));
}

std::string UrlEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3 / 2);
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string FormEncode(const FormFields& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += UrlEncode(k);
    out += '=';
    out += UrlEncode(v);
  }
  return out;
}

std::optional<std::string> UrlDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace mailhoard::auth
