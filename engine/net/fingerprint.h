// Certificate fingerprints for pinning (TlsOptions::fingerprint).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mailhoard::net {

using Sha256Digest = std::array<uint8_t, 32>;

// Accepts "sha256:AB:CD:…", "SHA256:abcd…" or bare hex; colons and spaces
// between bytes are optional, case does not matter. Anything but exactly 32
// bytes of SHA-256 is an InvalidArgument error that says what was expected,
// so a pasted SHA-1 fingerprint is rejected rather than silently ignored.
Result<Sha256Digest> ParseSha256Fingerprint(std::string_view text);

// "AB:CD:…" — the form `openssl x509 -fingerprint -sha256` prints.
std::string FormatFingerprint(const uint8_t* digest, size_t len);
inline std::string FormatFingerprint(const Sha256Digest& d) {
  return FormatFingerprint(d.data(), d.size());
}

}  // namespace mailhoard::net
