#include "engine/net/tls_failure.h"

#include <catch2/catch.hpp>

namespace mailhoard::net {
namespace {

using Cause = HandshakeFailure::Cause;

bool Has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST_CASE("A plaintext greeting is recognised and trimmed to a printable first line") {
  CHECK(PlaintextGreeting("* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n") ==
        "* OK [CAPABILITY IMAP4rev1] Dovecot ready.");
  CHECK(PlaintextGreeting("+OK Dovecot ready.\r\n") == "+OK Dovecot ready.");
  CHECK(PlaintextGreeting("220 mx.example ESMTP\r\n") == "220 mx.example ESMTP");
  CHECK(PlaintextGreeting("* OK \x1b[2Jhostile\r\n") == "* OK ?[2Jhostile");
  CHECK(PlaintextGreeting("\x16\x03\x03\x00\x10").empty());  // a TLS record
  CHECK(PlaintextGreeting("").empty());
  CHECK(PlaintextGreeting(std::string(200, 'x')).empty());
  CHECK(PlaintextGreeting("* OK " + std::string(200, 'x')).size() == 80);
}

TEST_CASE("Each handshake failure names the key that fixes it") {
  HandshakeFailure f;
  f.detail = "unable to get local issuer certificate";
  f.fingerprint = "AB:CD";
  f.host = "imap.example.org";

  f.cause = Cause::kUntrusted;
  std::string m = ExplainHandshakeFailure(f);
  CHECK(Has(m, "not signed by a CA this machine trusts (unable to get local issuer certificate)"));
  CHECK(Has(m, "tls_ca_file"));
  CHECK(Has(m, "tls_fingerprint = \"sha256:AB:CD\""));

  f.cause = Cause::kExpired;
  m = ExplainHandshakeFailure(f);
  CHECK(Has(m, "has expired"));
  CHECK(Has(m, "tls_fingerprint = \"sha256:AB:CD\""));

  f.cause = Cause::kNotYetValid;
  CHECK(Has(ExplainHandshakeFailure(f), "clock"));

  f.cause = Cause::kWrongHost;
  m = ExplainHandshakeFailure(f);
  CHECK(Has(m, "not issued for \"imap.example.org\""));
  CHECK(Has(m, "Set host"));

  f.cause = Cause::kOldProtocol;
  CHECK(Has(ExplainHandshakeFailure(f), "TLS 1.2 or later"));

  f.cause = Cause::kPlaintext;
  f.greeting = "* OK Dovecot ready.";
  m = ExplainHandshakeFailure(f);
  CHECK(Has(m, "tls = \"starttls\""));
  CHECK(Has(m, "993 for IMAP"));
  f.greeting = "+OK ready";
  CHECK(Has(ExplainHandshakeFailure(f), "995 for POP3"));
  f.greeting = "220 smtp ready";
  CHECK(Has(ExplainHandshakeFailure(f), "465 for SMTP"));

  f.cause = Cause::kOther;
  f.detail = "sslv3 alert handshake failure";
  CHECK(ExplainHandshakeFailure(f) == "sslv3 alert handshake failure");
}

TEST_CASE("Without a fingerprint the advice still names the pinning key") {
  HandshakeFailure f;
  f.cause = Cause::kUntrusted;
  CHECK(Has(ExplainHandshakeFailure(f), "pin the server's certificate with tls_fingerprint"));
}

}  // namespace
}  // namespace mailhoard::net
