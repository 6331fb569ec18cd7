// FakeIdp: runs fake_idp.py (a fake Microsoft identity platform plus a
// Dovecot introspection endpoint) on 127.0.0.1 for the life of the object.
// The child dies with the test process (PR_SET_PDEATHSIG).
#pragma once

#include <string>

namespace mailhoard::testing {

struct FakeIdpOptions {
  // HTTPS with a certificate for 127.0.0.1 signed by a per-run CA
  // (ca_file()); false serves plain http (what Dovecot's introspection uses).
  bool tls = true;
  // JSON object overriding the fake's CONFIG at start-up.
  std::string config_json = "{}";
};

class FakeIdp {
 public:
  explicit FakeIdp(FakeIdpOptions options = {});
  ~FakeIdp();
  FakeIdp(const FakeIdp&) = delete;
  FakeIdp& operator=(const FakeIdp&) = delete;

  int port() const { return port_; }
  // "https://127.0.0.1:<port>"
  const std::string& base_url() const { return base_url_; }
  // "<base>/<tenant>/oauth2/v2.0/" — append devicecode, token, authorize.
  std::string TenantUrl(const std::string& tenant) const;
  std::string introspection_url() const { return base_url_ + "/introspect"; }
  const std::string& ca_file() const { return ca_file_; }

  // POSTs a JSON object to /control, returns the reply body; aborts on failure.
  std::string Control(const std::string& json);
  // GET /control: config and counters as JSON.
  std::string State();
  // Plays the browser: GETs `url` without following, returns the Location.
  std::string FollowAuthorize(const std::string& url);
  // GETs any URL (e.g. the loopback redirect), returns the HTTP status.
  static long Get(const std::string& url, std::string* body = nullptr);

 private:
  std::string Request(const std::string& url, const std::string* post_json, long* status,
                      std::string* location);

  std::string dir_;
  std::string ca_file_;
  std::string base_url_;
  int port_ = 0;
  int pid_ = -1;
};

}  // namespace mailhoard::testing
