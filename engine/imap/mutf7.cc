#include "engine/imap/mutf7.h"

#include <cstdint>
#include <vector>

namespace mailhoard::imap {

namespace {

// RFC 3501 §5.1.3: base64 with "," in place of "/".
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int DecodeChar(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == ',') return 63;
  return -1;
}

bool IsDirect(uint32_t cp) { return cp >= 0x20 && cp <= 0x7e; }

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// Decodes one UTF-8 code point at s[*i], strictly.
Result<uint32_t> NextCodePoint(std::string_view s, size_t* i) {
  auto b0 = static_cast<unsigned char>(s[*i]);
  int len;
  uint32_t cp;
  uint32_t min;
  if (b0 < 0x80) {
    ++*i;
    return static_cast<uint32_t>(b0);
  } else if ((b0 & 0xe0) == 0xc0) {
    len = 2, cp = b0 & 0x1f, min = 0x80;
  } else if ((b0 & 0xf0) == 0xe0) {
    len = 3, cp = b0 & 0x0f, min = 0x800;
  } else if ((b0 & 0xf8) == 0xf0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return InvalidArgument("invalid UTF-8 lead byte in mailbox name");
  }
  if (*i + len > s.size()) return InvalidArgument("truncated UTF-8 in mailbox name");
  for (int k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(s[*i + k]);
    if ((b & 0xc0) != 0x80) return InvalidArgument("invalid UTF-8 in mailbox name");
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min) return InvalidArgument("overlong UTF-8 in mailbox name");
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    return InvalidArgument("invalid code point in mailbox name");
  }
  *i += len;
  return cp;
}

void FlushBase64(std::string* out, const std::vector<uint16_t>& units) {
  uint32_t buf = 0;
  int bits = 0;
  for (uint16_t u : units) {
    buf = (buf << 16) | u;
    bits += 16;
    while (bits >= 6) {
      bits -= 6;
      out->push_back(kAlphabet[(buf >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out->push_back(kAlphabet[(buf << (6 - bits)) & 0x3f]);
}

}  // namespace

Result<std::string> EncodeMutf7(std::string_view utf8) {
  std::string out;
  std::vector<uint16_t> units;
  size_t i = 0;
  while (i < utf8.size()) {
    MH_ASSIGN_OR_RETURN(uint32_t cp, NextCodePoint(utf8, &i));
    if (cp == 0) return InvalidArgument("NUL in mailbox name");
    if (IsDirect(cp)) {
      if (!units.empty()) {
        out.push_back('&');
        FlushBase64(&out, units);
        out.push_back('-');
        units.clear();
      }
      out.push_back(static_cast<char>(cp));
      if (cp == '&') out.push_back('-');
      continue;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units.push_back(static_cast<uint16_t>(0xd800 | (cp >> 10)));
      units.push_back(static_cast<uint16_t>(0xdc00 | (cp & 0x3ff)));
    } else {
      units.push_back(static_cast<uint16_t>(cp));
    }
  }
  if (!units.empty()) {
    out.push_back('&');
    FlushBase64(&out, units);
    out.push_back('-');
  }
  return out;
}

Result<std::string> DecodeMutf7(std::string_view in) {
  std::string out;
  size_t i = 0;
  bool previous_was_shifted = false;
  while (i < in.size()) {
    char c = in[i];
    if (!IsDirect(static_cast<unsigned char>(c))) {
      return ProtocolError("mailbox name has a byte outside printable ASCII (not modified UTF-7)");
    }
    if (c != '&') {
      out.push_back(c);
      previous_was_shifted = false;
      ++i;
      continue;
    }
    size_t end = in.find('-', i + 1);
    if (end == std::string_view::npos) return ProtocolError("unterminated '&' in mailbox name");
    if (end == i + 1) {  // "&-" is "&"
      out.push_back('&');
      previous_was_shifted = false;
      i = end + 1;
      continue;
    }
    if (previous_was_shifted) {
      return ProtocolError("adjacent shifted runs in mailbox name (non-canonical modified UTF-7)");
    }
    uint32_t buf = 0;
    int bits = 0;
    uint16_t high = 0;  // pending high surrogate
    for (size_t k = i + 1; k < end; ++k) {
      int v = DecodeChar(in[k]);
      if (v < 0) return ProtocolError("bad base64 in modified UTF-7 mailbox name");
      buf = (buf << 6) | static_cast<uint32_t>(v);
      bits += 6;
      if (bits < 16) continue;
      bits -= 16;
      auto unit = static_cast<uint16_t>((buf >> bits) & 0xffff);
      buf &= (1u << bits) - 1;
      if (high) {
        if (unit < 0xdc00 || unit > 0xdfff) {
          return ProtocolError("unpaired UTF-16 surrogate in mailbox name");
        }
        AppendUtf8(&out, 0x10000 + ((uint32_t{high} - 0xd800) << 10) + (unit - 0xdc00));
        high = 0;
      } else if (unit >= 0xd800 && unit <= 0xdbff) {
        high = unit;
      } else if (unit >= 0xdc00 && unit <= 0xdfff) {
        return ProtocolError("unpaired UTF-16 surrogate in mailbox name");
      } else if (IsDirect(unit) || unit == 0) {
        return ProtocolError("shifted printable ASCII in mailbox name (non-canonical)");
      } else {
        AppendUtf8(&out, unit);
      }
    }
    if (high) return ProtocolError("unpaired UTF-16 surrogate in mailbox name");
    // RFC 3501 §5.1.3 via RFC 2152: leftover bits must be fewer than 6 and zero.
    if (bits >= 6 || buf != 0) return ProtocolError("bad padding in modified UTF-7 mailbox name");
    previous_was_shifted = true;
    i = end + 1;
  }
  return out;
}

}  // namespace mailhoard::imap
