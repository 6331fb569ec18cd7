#include "engine/net/tls_failure.h"

namespace mailhoard::net {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Which implicit-TLS port a plaintext greeting's protocol usually has.
std::string TlsPortFor(std::string_view greeting) {
  if (StartsWith(greeting, "* ")) return "993 for IMAP";
  if (StartsWith(greeting, "+OK") || StartsWith(greeting, "-ERR")) return "995 for POP3";
  return "465 for SMTP";
}

std::string PinAdvice(const std::string& fingerprint) {
  if (fingerprint.empty()) return "pin the server's certificate with tls_fingerprint";
  return "pin it with tls_fingerprint = \"sha256:" + fingerprint + "\"";
}

}  // namespace

std::string PlaintextGreeting(std::string_view first_bytes) {
  static constexpr std::string_view kGreetings[] = {"* OK", "* PREAUTH", "* BYE", "* BAD",
                                                    "+OK",  "-ERR",      "220",   "421"};
  bool known = false;
  for (std::string_view g : kGreetings) known = known || StartsWith(first_bytes, g);
  if (!known) return "";
  std::string line;
  for (char c : first_bytes.substr(0, 80)) {
    if (c == '\r' || c == '\n') break;
    // Only printable ASCII reaches a terminal or a log.
    line += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return line;
}

std::string ExplainHandshakeFailure(const HandshakeFailure& f) {
  using Cause = HandshakeFailure::Cause;
  const std::string why = f.detail.empty() ? "" : " (" + f.detail + ")";
  const std::string seen =
      f.fingerprint.empty() ? "" : "; its SHA-256 fingerprint is " + f.fingerprint;
  switch (f.cause) {
    case Cause::kUntrusted:
      return "the server's certificate is not signed by a CA this machine trusts" + why + seen +
             ". If the server uses a private CA, name its certificate with tls_ca_file; if "
             "you have checked this fingerprint with the server's admin, " +
             PinAdvice(f.fingerprint);
    case Cause::kExpired:
      return "the server's certificate has expired" + why + seen +
             ". The server's admin must renew it; to accept this certificate meanwhile, " +
             PinAdvice(f.fingerprint);
    case Cause::kNotYetValid:
      return "the server's certificate is not valid yet" + why + seen +
             ". Check this machine's clock (date -u); a certificate issued minutes ago "
             "also fails until it is valid";
    case Cause::kWrongHost:
      return "the server's certificate is not issued for \"" + f.host + "\"" + why + seen +
             ". Set host to a name the certificate lists (the provider's documented "
             "server name), or " +
             PinAdvice(f.fingerprint);
    case Cause::kOldProtocol:
      return "the server offers only TLS 1.0 or 1.1" + why +
             ", which mailhoard refuses as insecure: the server must allow TLS 1.2 or later";
    case Cause::kPlaintext:
      return "this port speaks plaintext, not TLS (it greeted \"" + f.greeting +
             "\"): set tls = \"starttls\" to upgrade on this port, or use the TLS port (" +
             TlsPortFor(f.greeting) + ")";
    case Cause::kOther:
      break;
  }
  return f.detail.empty() ? "failed" : f.detail;
}

}  // namespace mailhoard::net
