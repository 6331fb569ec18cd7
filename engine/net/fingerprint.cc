#include "engine/net/fingerprint.h"

#include <cctype>

namespace mailhoard::net {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

Result<Sha256Digest> ParseSha256Fingerprint(std::string_view text) {
  std::string_view hex = text;
  if (StartsWithNoCase(hex, "sha256:")) {
    hex.remove_prefix(7);
  } else if (size_t colon = hex.find(':'); colon != std::string_view::npos) {
    // "sha1:…", "md5:…": a different algorithm, not a typo we can fix.
    for (char c : hex.substr(0, colon)) {
      if (HexValue(c) < 0) {
        return InvalidArgument("tls fingerprint \"" + std::string(text) +
                               "\": only sha256 fingerprints are supported");
      }
    }
  }
  Sha256Digest out{};
  size_t n = 0;
  int high = -1;
  for (char c : hex) {
    if (c == ':' || c == ' ') {
      if (high >= 0) break;  // a lone nibble: reported below
      continue;
    }
    int v = HexValue(c);
    if (v < 0) {
      return InvalidArgument("tls fingerprint \"" + std::string(text) + "\": '" +
                             std::string(1, c) + "' is not a hex digit");
    }
    if (high < 0) {
      high = v;
      continue;
    }
    if (n == out.size()) {
      n = out.size() + 1;
      break;
    }
    out[n++] = static_cast<uint8_t>(high << 4 | v);
    high = -1;
  }
  if (n != out.size() || high >= 0) {
    return InvalidArgument("tls fingerprint \"" + std::string(text) +
                           "\": expected a SHA-256 digest (32 bytes, 64 hex digits)");
  }
  return out;
}

std::string FormatFingerprint(const uint8_t* digest, size_t len) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string s;
  for (size_t i = 0; i < len; ++i) {
    if (i) s += ':';
    s += kHex[digest[i] >> 4];
    s += kHex[digest[i] & 15];
  }
  return s;
}

}  // namespace mailhoard::net
