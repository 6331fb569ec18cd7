// Why a TLS handshake failed, in words that say what to change. OpenSSL's
// own reasons ("unable to get local issuer certificate", "wrong version
// number") name the symptom; a user needs the config key that fixes it and,
// for an untrusted certificate, the fingerprint to pin.
#pragma once

#include <string>
#include <string_view>

namespace mailhoard::net {

struct HandshakeFailure {
  enum class Cause {
    kOther,
    kUntrusted,    // chain does not reach a trusted CA (self-signed, private CA)
    kExpired,      // the server's certificate (or one in its chain) expired
    kNotYetValid,  // valid from a later date: often this machine's clock
    kWrongHost,    // the certificate does not name the host connected to
    kOldProtocol,  // the server speaks only TLS below 1.2
    kPlaintext,    // the port answered with a plaintext greeting
  };
  Cause cause = Cause::kOther;
  std::string detail;       // OpenSSL's reason, kept for searching the web
  std::string fingerprint;  // the server's leaf certificate, "AB:CD:…"; may be empty
  std::string greeting;     // kPlaintext: the first line the server sent
  std::string host;         // the name the certificate was checked against
};

// A plaintext greeting at the start of `first_bytes` (IMAP "* OK", POP3
// "+OK", SMTP "220"), trimmed to its first line, or empty.
std::string PlaintextGreeting(std::string_view first_bytes);

// The sentence after "TLS handshake with host:port: ".
std::string ExplainHandshakeFailure(const HandshakeFailure& failure);

}  // namespace mailhoard::net
