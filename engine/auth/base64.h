// Base64 (RFC 4648) for SASL exchanges and PKCE.
//
// Decoding is strict: a server challenge that is not canonical base64 is a
// protocol error rather than something we guess at. Inputs are bearer tokens
// of several kilobytes, so nothing here uses fixed-size buffers.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace mailhoard::auth {

// Standard alphabet with '=' padding (SASL, RFC 4648 section 4).
std::string Base64Encode(std::string_view data);

// Rejects characters outside the alphabet, whitespace, missing or misplaced
// padding, and non-zero bits in the unused tail. Errors are kProtocol and
// never quote the input (it may be a credential).
Result<std::string> Base64Decode(std::string_view text);

// URL-safe alphabet without padding (RFC 4648 section 5), as PKCE (RFC 7636)
// and JWTs use it.
std::string Base64UrlEncode(std::string_view data);

}  // namespace mailhoard::auth
