// Reading back a report the SMTP sink received: header values (unfolded,
// RFC 2047 encoded words decoded) and the quoted-printable body as text.
#pragma once

#include <string>

#include "engine/auth/base64.h"
#include "tests/support/smtp_sink.h"

namespace mailhoard::cli::testing {

// Quoted-printable (RFC 2045 6.7) back to text: the report body is sent so.
inline std::string DecodeQuotedPrintable(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out += in[i];
    } else if (in.compare(i, 3, "=\r\n") == 0) {
      i += 2;  // soft line break
    } else if (i + 2 < in.size()) {
      out += static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16));
      i += 2;
    }
  }
  return out;
}

// A header's value, unfolded, with "=?UTF-8?B?…?=" words decoded (a
// subject with an em dash is always encoded); "" when there is none.
inline std::string Header(const std::string& message, const std::string& name) {
  std::string key = "\r\n" + name + ": ";
  size_t at = ("\r\n" + message).find(key);
  if (at == std::string::npos) return "";
  size_t start = at + key.size() - 2, end = start;
  while ((end = message.find("\r\n", end)) != std::string::npos && end + 2 < message.size() &&
         message[end + 2] == ' ') {
    end += 2;
  }
  std::string raw = message.substr(start, end - start), out;
  for (size_t i = 0; i < raw.size();) {
    size_t open = raw.find("=?UTF-8?B?", i);
    size_t close = open == std::string::npos ? open : raw.find("?=", open + 10);
    if (close == std::string::npos) {
      out += raw.substr(i);
      break;
    }
    std::string between = raw.substr(i, open - i);
    if (between.find_first_not_of(" \r\n") != std::string::npos) out += between;
    auto word = auth::Base64Decode(raw.substr(open + 10, close - open - 10));
    out += word.ok() ? *word : "?";
    i = close + 2;
  }
  return out;
}

// The body after the header block, decoded, with LF line ends.
inline std::string Body(const mailhoard::testing::SinkMessage& m) {
  size_t at = m.data.find("\r\n\r\n");
  if (at == std::string::npos) return "";
  std::string text = DecodeQuotedPrintable(m.data.substr(at + 4)), out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "\r\n") != 0) out += text[i];
  }
  return out;
}

}  // namespace mailhoard::cli::testing
