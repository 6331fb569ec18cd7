#include "engine/auth/sasl.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <utility>

namespace mailhoard::auth {
namespace {

// Overwrites a secret before its memory is released; OPENSSL_cleanse cannot
// be optimised away.
void Wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

Status NoMoreSteps(std::string_view mech) {
  return ProtocolError("server sent another " + std::string(mech) +
                       " challenge after authentication was complete");
}

class Plain final : public SaslMechanism {
 public:
  Plain(std::string user, std::string password, std::string authzid)
      : user_(std::move(user)), password_(std::move(password)), authzid_(std::move(authzid)) {}
  ~Plain() override { Wipe(password_); }
  std::string_view name() const override { return "PLAIN"; }
  Result<std::string> InitialResponse() override {
    // NUL separates the fields (RFC 4616 section 2), so no field may hold one.
    for (const std::string* f : {&user_, &password_, &authzid_}) {
      if (f->find('\0') != std::string::npos) {
        return InvalidArgument("PLAIN: user name, password and authzid may not contain NUL");
      }
    }
    done_ = true;
    std::string out;
    out.reserve(authzid_.size() + user_.size() + password_.size() + 2);
    out.append(authzid_).append(1, '\0').append(user_).append(1, '\0').append(password_);
    return out;
  }
  Result<std::string> Step(std::string_view challenge) override {
    // Without SASL-IR the server sends an empty "+" first; answer it with
    // the same message.
    if (!done_ && challenge.empty()) return InitialResponse();
    return NoMoreSteps(name());
  }
  bool done() const override { return done_; }

 private:
  std::string user_, password_, authzid_;
  bool done_ = false;
};

class Login final : public SaslMechanism {
 public:
  Login(std::string user, std::string password)
      : user_(std::move(user)), password_(std::move(password)) {}
  ~Login() override { Wipe(password_); }
  std::string_view name() const override { return "LOGIN"; }
  bool has_initial_response() const override { return false; }
  Result<std::string> InitialResponse() override {
    return InvalidArgument("LOGIN has no initial response");
  }
  Result<std::string> Step(std::string_view challenge) override {
    if (step_ >= 2) return NoMoreSteps(name());
    // Servers say "Username:" / "Password:" (some "User Name"); trust the
    // words when present, else the order.
    std::string lower;
    for (char c : challenge)
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool wants_password = lower.find("pass") != std::string::npos;
    bool wants_user = lower.find("user") != std::string::npos;
    if (!wants_password && !wants_user) wants_password = step_ == 1;
    ++step_;
    if (wants_password) {
      step_ = 2;
      return password_;
    }
    return user_;
  }
  bool done() const override { return step_ >= 2; }

 private:
  std::string user_, password_;
  int step_ = 0;
};

// XOAUTH2 and OAUTHBEARER differ only in the client message and in what the
// client answers to the error challenge.
class Bearer final : public SaslMechanism {
 public:
  Bearer(std::string_view name, std::string message, std::string error_reply)
      : name_(name), message_(std::move(message)), error_reply_(std::move(error_reply)) {}
  ~Bearer() override { Wipe(message_); }
  std::string_view name() const override { return name_; }
  Result<std::string> InitialResponse() override {
    sent_ = true;
    return message_;
  }
  Result<std::string> Step(std::string_view challenge) override {
    if (!sent_ && challenge.empty()) return InitialResponse();
    if (replied_error_) return NoMoreSteps(name());
    // Any challenge after our message is the error report: the server waits
    // for a dummy reply before it sends its final NO (RFC 7628 3.2.3).
    auto parsed = ParseBearerRejection(challenge);
    rejection_ = parsed ? *parsed : BearerRejection{};
    replied_error_ = true;
    return error_reply_;
  }
  bool done() const override { return replied_error_; }

 private:
  std::string_view name_;
  std::string message_;
  std::string error_reply_;
  bool sent_ = false;
  bool replied_error_ = false;
};

// RFC 5801 saslname: ',' and '=' are escaped in the gs2 header.
std::string SaslName(std::string_view user) {
  std::string out;
  for (char c : user) {
    if (c == ',') {
      out += "=2C";
    } else if (c == '=') {
      out += "=3D";
    } else {
      out += c;
    }
  }
  return out;
}

std::string JsonString(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return it->dump();
  return "";
}

}  // namespace

bool IsTokenRejected(const Status& status) {
  return status.code() == ErrorCode::kAuth && status.message().starts_with(kTokenRejected);
}

std::optional<BearerRejection> ParseBearerRejection(std::string_view challenge) {
  nlohmann::json j = nlohmann::json::parse(challenge, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  return BearerRejection{JsonString(j, "status"), JsonString(j, "schemes"), JsonString(j, "scope")};
}

Status SaslMechanism::Failure(std::string_view server_text) const {
  std::string text(server_text.substr(0, 200));
  if (rejection_) {
    std::string m(kTokenRejected);
    m += " by the server";
    if (!rejection_->status.empty()) m += " (status " + rejection_->status.substr(0, 40) + ")";
    if (!text.empty()) m += ": " + text;
    return Status::Error(ErrorCode::kAuth, m, ErrorScope::kAccount, RetryClass::kTransient);
  }
  std::string m = std::string(name()) + " authentication failed";
  if (!text.empty()) m += ": " + text;
  return Status::Error(ErrorCode::kAuth, m, ErrorScope::kAccount, RetryClass::kAuth);
}

std::unique_ptr<SaslMechanism> MakePlain(std::string username, std::string password,
                                         std::string authzid) {
  return std::make_unique<Plain>(std::move(username), std::move(password), std::move(authzid));
}

std::unique_ptr<SaslMechanism> MakeLogin(std::string username, std::string password) {
  return std::make_unique<Login>(std::move(username), std::move(password));
}

std::unique_ptr<SaslMechanism> MakeXOAuth2(std::string username, std::string access_token) {
  std::string m;
  m.reserve(username.size() + access_token.size() + 20);
  m.append("user=")
      .append(username)
      .append(
          "\x01"
          "auth=Bearer ")
      .append(access_token);
  m.append("\x01\x01");
  std::fill(access_token.begin(), access_token.end(), '\0');
  // Google and Microsoft expect an empty reply to the error challenge.
  return std::make_unique<Bearer>("XOAUTH2", std::move(m), "");
}

std::unique_ptr<SaslMechanism> MakeOAuthBearer(std::string username, std::string access_token,
                                               std::string host, uint16_t port) {
  std::string m;
  m.reserve(username.size() + access_token.size() + host.size() + 40);
  m.append("n,a=").append(SaslName(username)).append(",\x01");
  m.append("host=").append(host).append("\x01");
  m.append("port=").append(std::to_string(port)).append("\x01");
  m.append("auth=Bearer ").append(access_token).append("\x01\x01");
  std::fill(access_token.begin(), access_token.end(), '\0');
  // RFC 7628 3.2.3: the client answers the error challenge with a single ^A.
  return std::make_unique<Bearer>("OAUTHBEARER", std::move(m), "\x01");
}

std::string_view MechanismName(AuthMethod method) {
  static constexpr std::pair<AuthMethod, std::string_view> kNames[] = {
      {AuthMethod::kPlain, "PLAIN"},
      {AuthMethod::kLogin, "LOGIN"},
      {AuthMethod::kXOAuth2, "XOAUTH2"},
      {AuthMethod::kOAuthBearer, "OAUTHBEARER"}};
  for (const auto& [m, name] : kNames) {
    if (m == method) return name;
  }
  return "";
}

std::unique_ptr<SaslMechanism> MakeMechanism(AuthMethod method, std::string username,
                                             std::string secret, std::string host, uint16_t port) {
  switch (method) {
    case AuthMethod::kPlain:
      return MakePlain(std::move(username), std::move(secret));
    case AuthMethod::kLogin:
      return MakeLogin(std::move(username), std::move(secret));
    case AuthMethod::kXOAuth2:
      return MakeXOAuth2(std::move(username), std::move(secret));
    case AuthMethod::kOAuthBearer:
      return MakeOAuthBearer(std::move(username), std::move(secret), std::move(host), port);
    case AuthMethod::kAuto:
    case AuthMethod::kPasswordCommand:
    case AuthMethod::kApop:
      break;
  }
  std::fill(secret.begin(), secret.end(), '\0');
  return nullptr;
}

}  // namespace mailhoard::auth
