#include "engine/imap/fetch_response.h"

#include "core/civil_date.h"

#include "engine/imap/fetch_item.h"
#include "engine/imap/mailbox_responses.h"
#include "engine/imap/response_codes.h"

namespace mailhoard::imap {

namespace {

bool ReadDigits(std::string_view s, size_t* pos, size_t count, int* out) {
  if (*pos + count > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += count;
  *out = v;
  return true;
}

bool Expect(std::string_view s, size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

Result<uint64_t> NumberOf(const Value& v, std::string_view item) {
  if (!v.IsNumber()) return ProtocolError("FETCH " + std::string(item) + " is not a number");
  return v.number;
}

}  // namespace

Result<InternalDate> ParseInternalDate(std::string_view text) {
  static constexpr std::string_view kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                 "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  Status bad = ProtocolError("malformed INTERNALDATE \"" + std::string(text) + "\"");
  size_t pos = 0;
  if (!text.empty() && text[0] == ' ') pos = 1;  // date-day-fixed = (SP DIGIT) / 2DIGIT
  int day = 0, year = 0, hour = 0, minute = 0, second = 0, zh = 0, zm = 0;
  if (!ReadDigits(text, &pos, 1, &day)) return bad;
  int d2;
  if (ReadDigits(text, &pos, 1, &d2)) day = day * 10 + d2;
  if (!Expect(text, &pos, '-') || pos + 3 > text.size()) return bad;
  std::string month_name = ToUpperAscii(text.substr(pos, 3));
  pos += 3;
  unsigned month = 0;
  for (unsigned i = 0; i < 12; ++i) {
    if (kMonths[i] == month_name) month = i + 1;
  }
  if (month == 0 || !Expect(text, &pos, '-') || !ReadDigits(text, &pos, 4, &year) ||
      !Expect(text, &pos, ' ') || !ReadDigits(text, &pos, 2, &hour) || !Expect(text, &pos, ':') ||
      !ReadDigits(text, &pos, 2, &minute) || !Expect(text, &pos, ':') ||
      !ReadDigits(text, &pos, 2, &second) || !Expect(text, &pos, ' ') || pos >= text.size()) {
    return bad;
  }
  char sign = text[pos++];
  if ((sign != '+' && sign != '-') || !ReadDigits(text, &pos, 2, &zh) ||
      !ReadDigits(text, &pos, 2, &zm) || pos != text.size()) {
    return bad;
  }
  static constexpr int kDaysIn[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day < 1 || day > kDaysIn[month - 1] || hour > 23 || minute > 59 || second > 60 || zm > 59) {
    return bad;
  }
  int64_t days = DaysFromCivil(year, month, static_cast<unsigned>(day));
  int64_t offset = (zh * 3600 + zm * 60) * (sign == '-' ? -1 : 1);
  InternalDate out;
  out.text = std::string(text);
  // Local time = UTC + offset, so UTC = local − offset (RFC 3501 §9 zone).
  out.utc = days * 86400 + hour * 3600 + minute * 60 + second - offset;
  return out;
}

Result<FetchResponse> ParseFetchResponse(const Response& r) {
  if (r.kind != ResponseKind::kUntagged || r.IsStatus() || r.data.size() != 3 ||
      !r.data[0].AsU32() || !r.data[1].AtomIs("FETCH") || !r.data[2].IsList()) {
    return ProtocolError("not a FETCH response");
  }
  FetchResponse out;
  out.sequence_number = *r.data[0].AsU32();
  const std::vector<Value>& items = r.data[2].children;
  if (items.size() % 2 != 0) return ProtocolError("FETCH item without a value");
  for (size_t i = 0; i < items.size(); i += 2) {
    const Value& key = items[i];
    const Value& value = items[i + 1];
    if (!key.IsAtom()) return ProtocolError("FETCH item name is not an atom: " + key.ToString());
    std::optional<FetchItemName> name = SplitFetchItemName(key.text);
    if (!name) return ProtocolError("malformed FETCH item name " + key.text);
    const std::string& n = name->name;
    if (IsBodyContentItem(*name)) {
      FetchBody body;
      body.item = key.text;
      body.name = n;
      body.section = name->section;
      body.origin = name->origin;
      if (value.IsNil()) {
        body.is_nil = true;
      } else if (value.IsStreamed()) {
        body.streamed = true;
        body.size = value.number;
      } else if (value.IsString()) {
        body.data = value.text;
        body.size = value.text.size();
      } else {
        return ProtocolError("FETCH " + key.text + " value is not a string");
      }
      out.bodies.push_back(std::move(body));
    } else if (n == "UID") {
      if (!value.AsU32() || value.number == 0) return ProtocolError("bad FETCH UID");
      out.uid = *value.AsU32();
    } else if (n == "FLAGS") {
      MH_ASSIGN_OR_RETURN(out.flags, AtomList(value));
    } else if (n == "INTERNALDATE") {
      if (!value.IsString()) return ProtocolError("FETCH INTERNALDATE is not a string");
      MH_ASSIGN_OR_RETURN(out.internal_date, ParseInternalDate(value.text));
    } else if (n == "RFC822.SIZE") {
      MH_ASSIGN_OR_RETURN(out.rfc822_size, NumberOf(value, n));
    } else if (n == "MODSEQ") {
      // RFC 7162 §3.1.4.1: MODSEQ (<mod-sequence-value>)
      if (!value.IsList() || value.children.size() != 1) {
        return ProtocolError("malformed FETCH MODSEQ");
      }
      MH_ASSIGN_OR_RETURN(out.modseq, NumberOf(value.children[0], n));
    } else if (n == "X-GM-MSGID") {
      MH_ASSIGN_OR_RETURN(out.gm_msgid, NumberOf(value, n));
    } else if (n == "X-GM-THRID") {
      MH_ASSIGN_OR_RETURN(out.gm_thrid, NumberOf(value, n));
    } else if (n == "X-GM-LABELS") {
      if (!value.IsList()) return ProtocolError("FETCH X-GM-LABELS is not a list");
      std::vector<std::string> labels;
      for (const Value& l : value.children) {
        MH_ASSIGN_OR_RETURN(std::string label, AstringText(l));
        labels.push_back(std::move(label));
      }
      out.gm_labels = std::move(labels);
    } else {
      out.other.emplace_back(n, value);
    }
  }
  return out;
}

}  // namespace mailhoard::imap
