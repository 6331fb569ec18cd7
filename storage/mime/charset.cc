#include "storage/mime/charset.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mailhoard::mime {
namespace {

const iconv_t kNoIconv = reinterpret_cast<iconv_t>(-1);  // iconv_open failure

std::string Lower(std::string_view s) {
  std::string r;
  r.reserve(s.size());
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    r.push_back(c);
  }
  return r;
}

struct Alias {
  const char* label;
  const char* iconv_name;
};

// Labels read as a superset or spelled differently in iconv (WHATWG
// Encoding Standard practice: mislabelled mail uses the superset's bytes).
constexpr Alias kAliases[] = {
    {"iso-8859-1", "WINDOWS-1252"},
    {"iso8859-1", "WINDOWS-1252"},
    {"iso_8859-1", "WINDOWS-1252"},
    {"latin1", "WINDOWS-1252"},
    {"l1", "WINDOWS-1252"},
    {"cp819", "WINDOWS-1252"},
    {"iso-8859-9", "WINDOWS-1254"},
    {"iso-8859-11", "CP874"},
    {"tis-620", "CP874"},
    {"gb2312", "GBK"},
    {"gb_2312-80", "GBK"},
    {"x-gbk", "GBK"},
    {"euc-cn", "GBK"},
    {"shift_jis", "CP932"},
    {"shift-jis", "CP932"},
    {"sjis", "CP932"},
    {"x-sjis", "CP932"},
    {"ms_kanji", "CP932"},
    {"windows-31j", "CP932"},
    {"ks_c_5601-1987", "CP949"},
    {"euc-kr", "CP949"},
    {"ks_c_5601", "CP949"},
    {"big5", "BIG5-HKSCS"},
    {"x-mac-roman", "MACINTOSH"},
    {"macintosh", "MACINTOSH"},
    {"koi8-r", "KOI8-R"},
    {"koi8-u", "KOI8-U"},
    {"iso-2022-jp", "ISO-2022-JP-2"},
    {"cp-850", "CP850"},
    {"ansi_x3.4-1968", ""},
};

bool IsUndeclared(const std::string& l) {
  return l.empty() || l == "us-ascii" || l == "ascii" || l == "x-unknown" || l == "unknown-8bit" ||
         l == "unknown" || l == "default" || l == "ansi_x3.4-1968" || l == "us" || l == "iso646-us";
}

CharsetInfo ResolveLabel(std::string_view label);

}  // namespace

CharsetInfo ResolveCharset(std::string_view label) {
  CharsetInfo info = ResolveLabel(label);
  if (info.kind != CharsetKind::kIconv) return info;
  iconv_t cd = iconv_open("UTF-8", info.iconv_name.c_str());
  if (cd == kNoIconv) {
    info.kind = CharsetKind::kUnknown;
    info.iconv_name.clear();
    return info;
  }
  iconv_close(cd);
  return info;
}

namespace {

// Classifies a label without asking iconv (kIconv is tentative).
CharsetInfo ResolveLabel(std::string_view label) {
  // Trim whitespace and quotes that broken mailers leave in.
  while (!label.empty() && (label.front() == ' ' || label.front() == '"' || label.front() == '\t'))
    label.remove_prefix(1);
  while (!label.empty() && (label.back() == ' ' || label.back() == '"' || label.back() == '\t'))
    label.remove_suffix(1);
  std::string l = Lower(label);
  CharsetInfo info;
  if (IsUndeclared(l)) return info;
  if (l == "utf-8" || l == "utf8" || l == "x-utf-8" || l == "utf-8-sig") {
    info.kind = CharsetKind::kUtf8;
    return info;
  }
  std::string name;
  for (const Alias& a : kAliases) {
    if (l == a.label) {
      name = a.iconv_name;
      break;
    }
  }
  if (name.empty()) {
    // A label may not carry characters that turn into iconv options ("//").
    for (char c : l) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                c == '.' || c == ':';
      if (!ok) {
        info.kind = CharsetKind::kUnknown;
        return info;
      }
    }
    name = l;
  }
  if (name == "WINDOWS-1252" || l == "windows-1252" || l == "cp1252") {
    info.kind = CharsetKind::kWindows1252;
    return info;
  }
  info.kind = CharsetKind::kIconv;
  info.iconv_name = std::move(name);
  return info;
}

}  // namespace

bool AppendConvertedToUtf8(std::string& out, std::string_view bytes, std::string_view label) {
  CharsetInfo info = ResolveLabel(label);
  switch (info.kind) {
    case CharsetKind::kUnknown:
      return false;
    case CharsetKind::kUtf8:
      AppendSanitizedUtf8(out, bytes, InvalidByte::kReplace);
      return true;
    case CharsetKind::kAsciiOrUtf8:
      AppendSanitizedUtf8(out, bytes, InvalidByte::kWindows1252);
      return true;
    case CharsetKind::kWindows1252:
      AppendWindows1252AsUtf8(out, bytes);
      return true;
    case CharsetKind::kIconv:
      break;
  }
  CharsetConverter conv(label);
  if (!conv.uses_iconv()) return false;  // iconv does not know the label
  conv.Write(bytes, out);
  conv.Finish(out);
  return true;
}

CharsetConverter::CharsetConverter(std::string_view label)
    : kind_(CharsetKind::kAsciiOrUtf8), sanitizer_(InvalidByte::kWindows1252) {
  CharsetInfo info = ResolveLabel(label);
  kind_ = info.kind;
  if (kind_ == CharsetKind::kUtf8) {
    sanitizer_ = Utf8Sanitizer(InvalidByte::kReplace);
  } else if (kind_ == CharsetKind::kWindows1252) {
    // Single-byte: nothing to carry between writes.
  } else if (kind_ == CharsetKind::kIconv) {
    iconv_t cd = iconv_open("UTF-8", info.iconv_name.c_str());
    if (cd == kNoIconv) {
      kind_ = CharsetKind::kAsciiOrUtf8;
    } else {
      cd_ = cd;
    }
  } else {
    kind_ = CharsetKind::kAsciiOrUtf8;
  }
}

CharsetConverter::~CharsetConverter() {
  if (cd_ != nullptr) iconv_close(static_cast<iconv_t>(cd_));
}

void CharsetConverter::Write(std::string_view in, std::string& out) {
  if (kind_ == CharsetKind::kWindows1252) {
    AppendWindows1252AsUtf8(out, in);
    return;
  }
  if (kind_ != CharsetKind::kIconv) {
    sanitizer_.Write(in, out);
    return;
  }
  if (carry_len_ > 0) {
    // Join the carried bytes with the head of `in` and convert that; what is
    // still unconverted at its end is fed again from `in` itself.
    size_t old = carry_len_;
    size_t take = std::min(in.size(), sizeof(carry_) - old);
    char tmp[sizeof(carry_)];
    std::memcpy(tmp, carry_, old);
    std::memcpy(tmp + old, in.data(), take);
    carry_len_ = 0;
    IconvWrite(tmp, old + take, out, false);
    if (take == in.size()) return;  // all of `in` went through tmp
    size_t unconverted = std::min(carry_len_, take);
    carry_len_ = 0;
    in.remove_prefix(take - unconverted);
  }
  IconvWrite(in.data(), in.size(), out, false);
}

void CharsetConverter::IconvWrite(const char* p, size_t n, std::string& out, bool final) {
  auto cd = static_cast<iconv_t>(cd_);
  char buf[4096];
  char* inp = const_cast<char*>(p);
  size_t inleft = n;
  while (inleft > 0) {
    char* outp = buf;
    size_t outleft = sizeof(buf);
    size_t r = iconv(cd, &inp, &inleft, &outp, &outleft);
    out.append(buf, static_cast<size_t>(outp - buf));
    if (r != static_cast<size_t>(-1)) continue;
    if (errno == E2BIG) continue;
    if (errno == EINVAL && !final && inleft < sizeof(carry_)) {
      std::memcpy(carry_, inp, inleft);
      carry_len_ = inleft;
      return;
    }
    // EILSEQ, or a truncated sequence at the end: one replacement char per
    // bad byte, then resynchronise after it.
    AppendCodepoint(out, 0xFFFD);
    ++inp;
    --inleft;
  }
}

void CharsetConverter::Finish(std::string& out) {
  if (kind_ == CharsetKind::kWindows1252) return;
  if (kind_ != CharsetKind::kIconv) {
    sanitizer_.Finish(out);
    return;
  }
  if (carry_len_ > 0) {
    char tmp[sizeof(carry_)];
    size_t n = carry_len_;
    std::memcpy(tmp, carry_, n);
    carry_len_ = 0;
    IconvWrite(tmp, n, out, true);
  }
  // Flush the shift state of stateful encodings (ISO-2022-JP).
  char buf[64];
  char* outp = buf;
  size_t outleft = sizeof(buf);
  iconv(static_cast<iconv_t>(cd_), nullptr, nullptr, &outp, &outleft);
  out.append(buf, static_cast<size_t>(outp - buf));
}

}  // namespace mailhoard::mime
