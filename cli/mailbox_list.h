// The mailbox list of a [tenants.NAME] table: one address per line, as
// written by `Get-Mailbox | Select -Expand PrimarySmtpAddress` or an export.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mailhoard::cli {

struct MailboxEntry {
  std::string address;  // as written, trimmed
  int line = 0;         // 1-based, for messages about this entry
};

// Blank lines and '#' comments (whole-line or after an address) are
// ignored; surrounding whitespace is trimmed. A malformed address or one
// listed twice (compared without regard to case, as Exchange and Gmail do)
// is an InvalidArgument "<source_name>:<line>: ...".
Result<std::vector<MailboxEntry>> ParseMailboxList(std::string_view text,
                                                   const std::string& source_name);

// The archive directory name of a mailbox: the address in lower case, with
// every byte outside [a-z0-9.@_+-] written as %XX, so no address (however
// odd its local part) can name another directory, a parent, or a hidden file.
std::string MailboxDirName(std::string_view address);

// Lower-case ASCII copy, for comparing addresses.
std::string LowerAscii(std::string_view s);

}  // namespace mailhoard::cli
