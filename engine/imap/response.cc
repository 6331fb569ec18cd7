#include "engine/imap/response.h"

namespace mailhoard::imap {

std::string_view StatusWordName(StatusWord s) {
  switch (s) {
    case StatusWord::kNone:
      return "";
    case StatusWord::kOk:
      return "OK";
    case StatusWord::kNo:
      return "NO";
    case StatusWord::kBad:
      return "BAD";
    case StatusWord::kBye:
      return "BYE";
    case StatusWord::kPreauth:
      return "PREAUTH";
  }
  return "";
}

std::string Response::ToString() const {
  std::string out;
  switch (kind) {
    case ResponseKind::kTagged:
      out = tag;
      break;
    case ResponseKind::kUntagged:
      out = "*";
      break;
    case ResponseKind::kContinuation:
      out = "+";
      break;
  }
  if (IsStatus()) {
    out += ' ';
    out += StatusWordName(status);
  }
  if (code) {
    out += " [" + code->name;
    if (!code->raw_args.empty()) out += " " + code->raw_args;
    out += "]";
  }
  for (const Value& v : data) out += " " + v.ToString();
  if (!text.empty()) out += " " + text;
  return out;
}

}  // namespace mailhoard::imap
