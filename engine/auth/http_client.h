// HttpClient: the one HTTP request OAuth2 needs (form POST, plus GET for
// tests), behind an interface so token logic can be tested without a
// network and curl.h stays out of every header.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace mailhoard::auth {

using FormFields = std::vector<std::pair<std::string, std::string>>;

struct HttpOptions {
  std::string ca_file;  // PEM bundle; empty means the system store
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{30'000};
  // Plain http:// is refused unless this is set (tests, and a Dovecot-side
  // introspection fake); TLS verification is never turned off.
  bool allow_http = false;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string location;  // of a 3xx, which is never followed
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // POSTs application/x-www-form-urlencoded fields. Transport failures are
  // Status errors (timeouts and connection failures transient, TLS final);
  // any HTTP status is a response for the caller to judge. Field values are
  // secrets and never appear in errors.
  virtual Result<HttpResponse> PostForm(const std::string& url, const FormFields& fields) = 0;
  virtual Result<HttpResponse> Get(const std::string& url) = 0;
};

// libcurl: TLS verified (peer and host), redirects never followed, only
// https (and http when allowed) as protocols.
std::unique_ptr<HttpClient> MakeCurlHttpClient(HttpOptions options);

// RFC 3986 unreserved characters kept, all else %XX (form and query use).
std::string UrlEncode(std::string_view s);
std::string FormEncode(const FormFields& fields);
// Decodes %XX and '+' (as in application/x-www-form-urlencoded); nullopt on
// a malformed escape.
std::optional<std::string> UrlDecode(std::string_view s);

}  // namespace mailhoard::auth
