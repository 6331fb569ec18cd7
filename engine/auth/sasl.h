// Client-side SASL mechanisms, shared by IMAP AUTHENTICATE (RFC 3501 with
// SASL-IR, RFC 4959) and POP3 AUTH (RFC 5034).
//
// A mechanism only produces and consumes raw bytes; the protocol layer does
// the base64 and the line framing. A typical driver:
//
//   auto mech = MakeXOAuth2(user, token);
//   std::string ir = mech->has_initial_response() ? *mech->InitialResponse() : "";
//   send "a AUTHENTICATE XOAUTH2 " + Base64Encode(ir)
//   while server says "+ <b64>": send Base64Encode(*mech->Step(*Base64Decode(b64)))
//   on NO: return mech->Failure(server_text)   // kAuth, "token rejected" if so
//
// Mechanisms hold secrets; they are wiped when the object goes away and never
// appear in a Status.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/auth/credentials.h"
#include "core/status.h"

namespace mailhoard::auth {

// The start of the message of a Status that means "the server refused the
// bearer token": the caller should ForceRefresh() its TokenSource and retry
// once. Check with IsTokenRejected().
inline constexpr std::string_view kTokenRejected = "token rejected";
bool IsTokenRejected(const Status& status);

// What an OAuth server said in its error challenge (RFC 7628 section 3.2.2;
// Google and Microsoft send the same JSON for XOAUTH2).
struct BearerRejection {
  std::string status;   // "401", "invalid_token", ... ; empty if not given
  std::string schemes;  // "bearer"
  std::string scope;    // the scope the server wants
};

class SaslMechanism {
 public:
  virtual ~SaslMechanism() = default;

  // "PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER" as sent on the wire.
  virtual std::string_view name() const = 0;
  // False for LOGIN, whose first bytes answer the server's first challenge.
  virtual bool has_initial_response() const { return true; }
  // The client-first message (empty string is a valid, empty response).
  virtual Result<std::string> InitialResponse() = 0;
  // Answers one decoded server challenge.
  virtual Result<std::string> Step(std::string_view server_challenge) = 0;
  // True once the mechanism has nothing more to send; a further challenge is
  // a protocol error.
  virtual bool done() const = 0;

  // Set when the server sent an OAuth error challenge (XOAUTH2/OAUTHBEARER).
  const std::optional<BearerRejection>& rejection() const { return rejection_; }
  bool token_rejected() const { return rejection_.has_value(); }

  // The Status to return once the server has refused the authentication
  // (tagged NO / -ERR). `server_text` is the server's human-readable text,
  // which never contains our secret. Always kAuth; for a rejected bearer
  // token the message starts with kTokenRejected and the retry class is
  // kTransient because one refresh-and-retry may fix it.
  Status Failure(std::string_view server_text) const;

 protected:
  std::optional<BearerRejection> rejection_;
};

// RFC 4616. authzid is normally empty (act as yourself).
std::unique_ptr<SaslMechanism> MakePlain(std::string username, std::string password,
                                         std::string authzid = "");
// The de-facto LOGIN mechanism (draft-murchison-sasl-login): the server asks
// "Username:" then "Password:".
std::unique_ptr<SaslMechanism> MakeLogin(std::string username, std::string password);
// Google's and Microsoft's XOAUTH2.
std::unique_ptr<SaslMechanism> MakeXOAuth2(std::string username, std::string access_token);
// RFC 7628. host/port are those the client connected to (sent in the
// kvpairs; servers may check them).
std::unique_ptr<SaslMechanism> MakeOAuthBearer(std::string username, std::string access_token,
                                               std::string host, uint16_t port);

// "PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER" for those methods; empty for
// kAuto, kPasswordCommand and kApop, which are not SASL.
std::string_view MechanismName(AuthMethod method);
// The SASL mechanism of `method` (one of the four above), or nullptr for
// kAuto, kPasswordCommand and kApop, which are not SASL.
std::unique_ptr<SaslMechanism> MakeMechanism(AuthMethod method, std::string username,
                                             std::string secret, std::string host, uint16_t port);

// Parses the JSON of an OAuth error challenge; nullopt when it is not JSON.
std::optional<BearerRejection> ParseBearerRejection(std::string_view challenge);

}  // namespace mailhoard::auth
