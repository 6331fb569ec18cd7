// Modified UTF-7 mailbox names (RFC 3501 §5.1.3), e.g. "Entw&APw-rfe" ⇄
// "Entwürfe". Servers without UTF8=ACCEPT send and expect names this way.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace mailhoard::imap {

// Fails (kInvalidArgument) on invalid UTF-8: overlong forms, surrogates,
// code points above U+10FFFF, truncated sequences, and NUL.
Result<std::string> EncodeMutf7(std::string_view utf8);

// Strict: fails (kProtocol) on characters outside printable ASCII, bad
// base64, an unterminated "&", non-canonical encodings (a printable ASCII
// character shifted, nonzero or excess padding bits, two adjacent shifted
// runs), and unpaired UTF-16 surrogates. "&-" decodes to "&".
Result<std::string> DecodeMutf7(std::string_view mutf7);

}  // namespace mailhoard::imap
