// Names of FETCH response items: "BODY[1.2.MIME]<100>" → name, section, origin.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailhoard::imap {

struct FetchItemName {
  std::string name;  // upper-cased, e.g. "BODY", "RFC822.SIZE"
  bool has_section = false;
  std::string section;             // as sent, between "[" and "]"
  std::optional<uint64_t> origin;  // "<n>" (RFC 3501 §7.4.2 BODY[<section>]<<origin>>)
};

// nullopt if the brackets or the origin are malformed.
std::optional<FetchItemName> SplitFetchItemName(std::string_view item);

// True for items whose value is message content and so is streamed to a
// BodySink: BODY[…], BINARY[…] (RFC 3516), RFC822, RFC822.HEADER,
// RFC822.TEXT. "BODY" without a section is a body structure, not content.
bool IsBodyContentItem(const FetchItemName& item);

}  // namespace mailhoard::imap
