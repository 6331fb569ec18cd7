#include "storage/mime/transfer_encoding.h"

#include "core/ascii.h"

#include <cstdint>

namespace mailhoard::mime {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;  // lowercase: RFC says no, mailers do
  return -1;
}

struct Base64Table {
  int8_t v[256];
  constexpr Base64Table() : v() {
    for (int i = 0; i < 256; ++i) v[i] = -1;
    const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i) v[static_cast<unsigned char>(a[i])] = static_cast<int8_t>(i);
  }
};
constexpr Base64Table kB64;

bool EqualsNoCase(std::string_view a, std::string_view b) { return EqualsIgnoreAsciiCase(a, b); }

}  // namespace

TransferEncoding ParseTransferEncoding(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == '"'))
    v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '"' || v.back() == ';' ||
                        v.back() == '\r'))
    v.remove_suffix(1);
  if (EqualsNoCase(v, "quoted-printable")) return TransferEncoding::kQuotedPrintable;
  if (EqualsNoCase(v, "base64")) return TransferEncoding::kBase64;
  return TransferEncoding::kIdentity;
}

void QuotedPrintableDecoder::Write(std::string_view in, std::string& out) {
  size_t i = 0;
  const size_t n = in.size();
  while (i < n) {
    if (state_ == 0) {
      // Bulk-copy up to the next "=".
      size_t j = in.find('=', i);
      if (j == std::string_view::npos) j = n;
      out.append(in.data() + i, j - i);
      i = j;
      if (i < n) {
        state_ = 1;
        ++i;
      }
      continue;
    }
    char c = in[i];
    if (state_ == 1) {
      if (HexValue(c) >= 0) {
        first_ = c;
        state_ = 2;
        ++i;
      } else if (c == '\n') {
        state_ = 0;  // soft line break
        ++i;
      } else if (c == '\r' || c == ' ' || c == '\t') {
        state_ = 3;  // transport padding before the soft break
        pad_len_ = 0;
        pad_[pad_len_++] = c;
        ++i;
      } else {
        out.push_back('=');
        state_ = 0;  // reprocess c as text
      }
    } else if (state_ == 2) {
      int hi = HexValue(first_), lo = HexValue(c);
      if (lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        ++i;
      } else {
        out.push_back('=');
        out.push_back(first_);
      }
      state_ = 0;
    } else {  // state_ == 3
      if (c == '\n') {
        state_ = 0;
        ++i;
      } else if (c == '\r' || c == ' ' || c == '\t') {
        if (pad_len_ < sizeof(pad_)) pad_[pad_len_++] = c;
        ++i;
      } else {
        // "= x": not a soft break after all; the "=" and blanks were text.
        out.push_back('=');
        out.append(pad_, pad_len_);
        state_ = 0;
      }
    }
  }
}

void QuotedPrintableDecoder::Finish(std::string& out) {
  if (state_ == 1) out.push_back('=');
  if (state_ == 2) {
    out.push_back('=');
    out.push_back(first_);
  }
  state_ = 0;
}

void Base64Decoder::Write(std::string_view in, std::string& out) {
  for (char ch : in) {
    auto c = static_cast<unsigned char>(ch);
    int v = kB64.v[c];
    if (v < 0) {
      if (c == '=') Finish(out);
      continue;
    }
    quantum_ = (quantum_ << 6) | static_cast<unsigned>(v);
    if (++count_ == 4) {
      out.push_back(static_cast<char>((quantum_ >> 16) & 0xFF));
      out.push_back(static_cast<char>((quantum_ >> 8) & 0xFF));
      out.push_back(static_cast<char>(quantum_ & 0xFF));
      quantum_ = 0;
      count_ = 0;
    }
  }
}

void Base64Decoder::Finish(std::string& out) {
  // A partial quantum of 2 or 3 characters still carries 1 or 2 bytes.
  if (count_ == 2) {
    out.push_back(static_cast<char>((quantum_ >> 4) & 0xFF));
  } else if (count_ == 3) {
    out.push_back(static_cast<char>((quantum_ >> 10) & 0xFF));
    out.push_back(static_cast<char>((quantum_ >> 2) & 0xFF));
  }
  quantum_ = 0;
  count_ = 0;
}

bool DecodeQEncoding(std::string_view in, std::string& out) {
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '_') {
      out.push_back(' ');
    } else if (c == '=') {
      if (i + 2 >= in.size()) return false;
      int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return true;
}

bool DecodeBEncoding(std::string_view in, std::string& out) {
  Base64Decoder d;
  size_t pad = 0;
  for (char ch : in) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad > 0 || kB64.v[c] < 0) return false;  // data after padding, or junk
  }
  d.Write(in, out);
  d.Finish(out);
  return true;
}

}  // namespace mailhoard::mime
