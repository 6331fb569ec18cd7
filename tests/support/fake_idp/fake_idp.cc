#include "tests/support/fake_idp/fake_idp.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include "tests/support/subprocess.h"
#include "tests/support/wait_until.h"

namespace mailhoard::testing {
namespace {

[[noreturn]] void Die(const std::string& what) {
  fprintf(stderr, "fake idp: %s\n", what.c_str());
  abort();
}

size_t Collect(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

void MakeCertificates(const std::string& dir) {
  const std::string ec = "ec_paramgen_curve:prime256v1";
  RunOrDie({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout",
            dir + "/ca.key", "-out", dir + "/ca.crt", "-days", "2", "-subj", "/CN=fake idp CA"});
  RunOrDie({"openssl", "req", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout",
            dir + "/server.key", "-out", dir + "/server.csr", "-subj", "/CN=127.0.0.1"});
  std::ofstream(dir + "/server.ext")
      << "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
         "extendedKeyUsage=serverAuth\n";
  RunOrDie({"openssl", "x509", "-req", "-in", dir + "/server.csr", "-CA", dir + "/ca.crt", "-CAkey",
            dir + "/ca.key", "-CAcreateserial", "-out", dir + "/server.crt", "-days", "2",
            "-extfile", dir + "/server.ext"});
}

}  // namespace

FakeIdp::FakeIdp(FakeIdpOptions options) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const char* base = getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/mailhoard-idp-XXXXXX";
  if (!mkdtemp(tmpl.data())) Die("mkdtemp failed");
  dir_ = tmpl;
  std::vector<std::string> argv = {"python3", MH_FAKE_IDP_SCRIPT, "--port",
                                   "0",       "--config",         options.config_json};
  if (options.tls) {
    MakeCertificates(dir_);
    ca_file_ = dir_ + "/ca.crt";
    argv.insert(argv.end(), {"--cert", dir_ + "/server.crt", "--key", dir_ + "/server.key"});
  }
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) Die("pipe failed");
  pid_t pid = fork();
  if (pid < 0) Die("fork failed");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(out[1], 1);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  pid_ = pid;
  close(out[1]);
  // "PORT <n>\n" once listening. The deadline only bounds a hang: python's
  // start-up under ctest -j on two cores took longer than the 15 s this was.
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + kEventDeadline;
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{out[0], POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      Die("no PORT line within " + std::to_string(kEventDeadline.count()) + " s");
    }
    char buf[64];
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) Die("fake_idp.py exited before listening");
    line.append(buf, static_cast<size_t>(n));
  }
  close(out[0]);
  if (sscanf(line.c_str(), "PORT %d", &port_) != 1) Die("unexpected output: " + line);
  base_url_ = std::string(options.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

FakeIdp::~FakeIdp() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string FakeIdp::TenantUrl(const std::string& tenant) const {
  return base_url_ + "/" + tenant + "/oauth2/v2.0/";
}

std::string FakeIdp::Request(const std::string& url, const std::string* post_json, long* status,
                             std::string* location) {
  CURL* curl = curl_easy_init();
  std::string body;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  if (!ca_file_.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file_.c_str());
  if (post_json) {
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post_json->c_str());
  }
  CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) Die(url + ": " + curl_easy_strerror(rc));
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
  char* loc = nullptr;
  if (location && curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc) {
    *location = loc;
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return body;
}

std::string FakeIdp::Control(const std::string& json) {
  long status = 0;
  std::string body = Request(base_url_ + "/control", &json, &status, nullptr);
  if (status != 200) Die("control " + json + " failed: " + body);
  return body;
}

std::string FakeIdp::State() {
  long status = 0;
  return Request(base_url_ + "/control", nullptr, &status, nullptr);
}

std::string FakeIdp::FollowAuthorize(const std::string& url) {
  long status = 0;
  std::string location;
  Request(url, nullptr, &status, &location);
  if (status != 302) Die("authorize did not redirect");
  return location;
}

long FakeIdp::Get(const std::string& url, std::string* body) {
  CURL* curl = curl_easy_init();
  std::string sink;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, body ? body : &sink);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  return status;
}

}  // namespace mailhoard::testing
