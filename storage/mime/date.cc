#include "storage/mime/date.h"

#include "core/civil_date.h"

#include <cstdint>
#include <string>

namespace mailhoard::mime {
namespace {

constexpr const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                   "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr const char* kMonthNames[] = {"january",   "february", "march",    "april",
                                       "may",       "june",     "july",     "august",
                                       "september", "october",  "november", "december"};
constexpr const char* kDays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                 "friday", "saturday", "sunday"};

struct ZoneName {
  const char* name;
  int minutes;
};
constexpr ZoneName kZones[] = {
    {"ut", 0},     {"gmt", 0},    {"utc", 0},    {"z", 0},      {"est", -300}, {"edt", -240},
    {"cst", -360}, {"cdt", -300}, {"mst", -420}, {"mdt", -360}, {"pst", -480}, {"pdt", -420},
    {"cet", 60},   {"cest", 120}, {"met", 60},   {"mest", 120}, {"bst", 60},   {"eet", 120},
    {"eest", 180}, {"wet", 0},    {"west", 60},  {"jst", 540},  {"kst", 540},  {"hkt", 480},
    {"msk", 180},  {"aest", 600}, {"aedt", 660}, {"nzst", 720}, {"nzdt", 780}, {"sgt", 480},
};

int DaysInMonth(int y, int m) {
  static constexpr int kDaysIn[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDaysIn[m - 1];
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

struct Fields {
  int day = -1, month = -1, year = -1, year_digits = 0;
  int hour = -1, minute = -1, second = 0;
  bool have_zone = false;
  int zone = 0;  // minutes east of UTC
  bool named_zone = false;
  int ampm = 0;  // 1 = am, 2 = pm
};

// Reads up to 9 digits at s[i]; returns the count.
int ReadNumber(std::string_view s, size_t& i, int& value) {
  int n = 0;
  value = 0;
  while (i < s.size() && IsDigit(s[i]) && n < 9) {
    value = value * 10 + (s[i] - '0');
    ++i;
    ++n;
  }
  while (i < s.size() && IsDigit(s[i])) ++i;  // absurdly long: swallow
  return n;
}

// "hh:mm[:ss][.frac]" with s[i] at the first digit.
bool ReadTime(std::string_view s, size_t& i, Fields& f) {
  int h, m, sec = 0;
  if (ReadNumber(s, i, h) > 2 || i >= s.size() || s[i] != ':') return false;
  ++i;
  if (ReadNumber(s, i, m) == 0 || m > 59) return false;
  if (i + 1 < s.size() && s[i] == ':' && IsDigit(s[i + 1])) {
    ++i;
    if (ReadNumber(s, i, sec) > 2 || sec > 60) return false;
    if (i + 1 < s.size() && s[i] == '.' && IsDigit(s[i + 1])) {
      int frac;
      ++i;
      ReadNumber(s, i, frac);
    }
  }
  f.hour = h;
  f.minute = m;
  f.second = sec;
  return true;
}

// "+hhmm", "+hh:mm", "+hh" with s[i] at the sign.
bool ReadNumericZone(std::string_view s, size_t& i, Fields& f) {
  int sign = s[i] == '-' ? -1 : 1;
  size_t j = i + 1;
  int v;
  int digits = ReadNumber(s, j, v);
  int minutes;
  if (digits == 4) {
    if (v / 100 > 23 || v % 100 > 59) return false;
    minutes = (v / 100) * 60 + v % 100;
  } else if (digits == 1 || digits == 2) {
    if (v > 23) return false;
    minutes = v * 60;
    if (j < s.size() && s[j] == ':') {
      size_t k = j + 1;
      int mm;
      if (ReadNumber(s, k, mm) == 2 && mm <= 59) {
        minutes += mm;
        j = k;
      }
    }
  } else {
    return false;
  }
  f.have_zone = true;
  f.named_zone = false;
  f.zone = sign * minutes;
  i = j;
  return true;
}

void ReadWord(std::string_view s, size_t& i, Fields& f) {
  std::string w;
  while (i < s.size() && IsAlpha(s[i])) {
    if (w.size() < 12) w.push_back(static_cast<char>(s[i] | 0x20));
    ++i;
  }
  if (w.size() >= 3) {
    for (int m = 0; m < 12; ++m) {
      std::string_view full = kMonthNames[m];
      if (w.compare(0, 3, kMonths[m]) == 0 && full.substr(0, w.size()) == w) {
        if (f.month < 0) f.month = m + 1;
        return;
      }
    }
    for (const char* d : kDays) {
      if (w.compare(0, 3, d, 3) == 0) return;
    }
  }
  if (w == "am" || w == "pm") {
    f.ampm = w == "am" ? 1 : 2;
    return;
  }
  if (f.have_zone && !f.named_zone) return;  // numeric zone wins (RFC 5322 §3.3)
  for (const ZoneName& z : kZones) {
    if (w == z.name) {
      f.have_zone = true;
      f.named_zone = true;
      f.zone = z.minutes;
      return;
    }
  }
  if (w.size() == 1 && w != "j") {
    // Military zones: §4.3 says treat as -0000 (unknown), i.e. UTC here.
    f.have_zone = true;
    f.named_zone = true;
    f.zone = 0;
  }
}

// A plain number: day or year, by position and size.
void PlacePlainNumber(int value, int digits, Fields& f) {
  if (f.day < 0 && digits <= 2 && value >= 1 && value <= 31 && f.year < 0) {
    f.day = value;
  } else if (f.year < 0 && (digits >= 2 || f.day >= 0)) {
    f.year = value;
    f.year_digits = digits;
  } else if (f.day < 0 && digits <= 2 && value >= 1 && value <= 31) {
    f.day = value;  // "1997 Nov 21": the year came first
  }
}

std::optional<std::time_t> Finish(Fields& f) {
  if (f.day < 0 || f.month < 0 || f.year < 0) return std::nullopt;
  if (f.year_digits <= 2) {
    f.year += f.year < 50 ? 2000 : 1900;
  } else if (f.year_digits == 3) {
    f.year += 1900;
  }
  if (f.year < 1900 || f.year > 9999) return std::nullopt;
  if (f.day > DaysInMonth(f.year, f.month)) return std::nullopt;
  if (f.hour < 0) {
    f.hour = 0;
    f.minute = 0;
    f.second = 0;
  }
  if (f.ampm == 2 && f.hour < 12) f.hour += 12;
  if (f.ampm == 1 && f.hour == 12) f.hour = 0;
  if (f.hour > 23) return std::nullopt;
  int64_t days =
      DaysFromCivil(f.year, static_cast<unsigned>(f.month), static_cast<unsigned>(f.day));
  int64_t t = days * 86400 + f.hour * 3600 + f.minute * 60 + f.second;
  t -= static_cast<int64_t>(f.zone) * 60;
  return static_cast<std::time_t>(t);
}

// ISO 8601 "YYYY-MM-DD[T ]hh:mm[:ss][Z|±hh:mm]" (some web mailers and
// scripts write it into Date:).
std::optional<std::time_t> ParseIso(std::string_view s, size_t i) {
  Fields f;
  int v;
  if (ReadNumber(s, i, v) != 4 || i >= s.size() || s[i] != '-') return std::nullopt;
  f.year = v;
  f.year_digits = 4;
  ++i;
  if (ReadNumber(s, i, v) == 0 || v < 1 || v > 12 || i >= s.size() || s[i] != '-')
    return std::nullopt;
  f.month = v;
  ++i;
  if (ReadNumber(s, i, v) == 0 || v < 1 || v > 31) return std::nullopt;
  f.day = v;
  if (i < s.size() && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
    ++i;
    while (i < s.size() && s[i] == ' ') ++i;
    if (i < s.size() && IsDigit(s[i]) && !ReadTime(s, i, f)) return std::nullopt;
  }
  while (i < s.size() && s[i] == ' ') ++i;
  if (i < s.size()) {
    if (s[i] == '+' || s[i] == '-') {
      ReadNumericZone(s, i, f);
    } else if (IsAlpha(s[i])) {
      ReadWord(s, i, f);
    }
  }
  return Finish(f);
}

}  // namespace

std::optional<std::time_t> ParseDate(std::string_view value) {
  // A real date, comments included, is far shorter; the bound keeps the
  // clean-up below linear on hostile input.
  constexpr size_t kMaxDate = 512;
  if (value.size() > kMaxDate) value = value.substr(0, kMaxDate);
  // Comments carry nothing we trust (the zone name in "(CST)" repeats the
  // numeric zone); replace them by blanks.
  std::string s;
  s.reserve(value.size());
  int depth = 0;
  for (char c : value) {
    if (c == '(') {
      ++depth;
    } else if (c == ')' && depth > 0) {
      --depth;
      s.push_back(' ');
    } else if (depth == 0) {
      s.push_back(c);
    }
  }
  // obs-time (RFC 5322 §4.3) allows CFWS around the colons.
  for (size_t k = 0; k < s.size(); ++k) {
    if (s[k] != ':') continue;
    size_t a = k;
    while (a > 0 && (s[a - 1] == ' ' || s[a - 1] == '\t')) --a;
    size_t b = k + 1;
    while (b < s.size() && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
    s.replace(a, b - a, ":");
    k = a;
  }
  size_t start = 0;
  while (start < s.size() && !IsDigit(s[start]) && !IsAlpha(s[start])) ++start;
  if (start + 4 < s.size() && IsDigit(s[start]) && IsDigit(s[start + 3]) && s[start + 4] == '-')
    return ParseIso(s, start);

  Fields f;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (IsAlpha(c)) {
      ReadWord(s, i, f);
    } else if (IsDigit(c)) {
      size_t j = i;
      int v;
      int digits = ReadNumber(s, j, v);
      if (j < s.size() && s[j] == ':' && f.hour < 0) {
        if (!ReadTime(s, i, f)) return std::nullopt;
        continue;
      }
      if (j + 1 < s.size() && (s[j] == '.' || s[j] == '/') && IsDigit(s[j + 1]) && f.month < 0 &&
          f.day < 0) {
        // Numeric date: "21.11.1997" (day first) or "11/21/1997" (US).
        char sep = s[j];
        int a = v, b, y = -1, ydigits = 0;
        ++j;
        ReadNumber(s, j, b);
        if (j + 1 < s.size() && s[j] == sep && IsDigit(s[j + 1])) {
          ++j;
          ydigits = ReadNumber(s, j, y);
        }
        if (y < 0) return std::nullopt;
        if (sep == '/' && a <= 12) std::swap(a, b);
        if (b < 1 || b > 12) return std::nullopt;
        f.day = a;
        f.month = b;
        f.year = y;
        f.year_digits = ydigits;
        i = j;
        continue;
      }
      PlacePlainNumber(v, digits, f);
      i = j;
    } else if ((c == '+' || c == '-') && i + 1 < s.size() && IsDigit(s[i + 1]) &&
               (f.hour >= 0 || (f.have_zone && f.named_zone))) {
      // A sign after the time is a zone; before it ("21-Nov-1997") a
      // separator. "GMT+0100" overrides the name.
      if (!ReadNumericZone(s, i, f)) ++i;
    } else {
      ++i;
    }
  }
  return Finish(f);
}

}  // namespace mailhoard::mime
