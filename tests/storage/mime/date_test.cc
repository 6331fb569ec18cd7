#include "storage/mime/date.h"

#include <catch2/catch.hpp>

namespace mailhoard::mime {
namespace {

// 1997-11-21 15:55:06 UTC, the RFC 5322 Appendix A.1.1 example instant.
constexpr std::time_t kA11 = 880127706;

TEST_CASE("ParseDate handles RFC 5322 3.3 dates", "[mime][date]") {
  CHECK(ParseDate("Fri, 21 Nov 1997 09:55:06 -0600") == kA11);
  CHECK(ParseDate("21 Nov 1997 09:55:06 -0600") == kA11);
  CHECK(ParseDate("Fri, 21 Nov 1997 15:55:06 +0000") == kA11);
  CHECK(ParseDate("Sat, 22 Nov 1997 00:55:06 +0900") == kA11);
  CHECK(ParseDate("Fri, 21 Nov 1997 09:55 -0600") == kA11 - 6);
  CHECK(ParseDate("Thu, 01 Jan 1970 00:00:00 +0000") == std::time_t{0});
  CHECK(ParseDate("Tue, 29 Feb 2000 12:00:00 +0000") == std::time_t{951825600});
  CHECK(ParseDate("Mon, 1 Jan 2024 00:00:00 +0530") == std::time_t{1704047400});
}

TEST_CASE("ParseDate handles the obsolete syntax of RFC 5322 4.3", "[mime][date]") {
  CHECK(ParseDate("Fri, 21 Nov 97 09:55:06 CST") == kA11);     // 2-digit year, zone name
  CHECK(ParseDate("Fri, 21 Nov 097 09:55:06 -0600") == kA11);  // 3-digit year
  CHECK(ParseDate("Fri, 21 Nov 1997 15:55:06 GMT") == kA11);
  CHECK(ParseDate("Fri, 21 Nov 1997 15:55:06 UT") == kA11);
  CHECK(ParseDate("Fri, 21 Nov 1997 10:55:06 EST") == kA11);
  CHECK(ParseDate("Fri, 21 Nov 1997 07:55:06 PST") == kA11);
  CHECK(ParseDate("Fri, 21 Nov 1997 15:55:06 Z") == kA11);
  CHECK(ParseDate("Fri, 21 Nov 1997 15:55:06 Q") == kA11);  // military: -0000
  CHECK(ParseDate("Fri, 21\r\n Nov 1997 09:55:06 (Central) -0600 (CST)") == kA11);
  CHECK(ParseDate("Fri , 21 Nov 1997 09 : 55 : 06 -0600") == kA11);  // obs-time CFWS
  CHECK(ParseDate("Mon, 3 Jan 05 01:02:03 +0000") == ParseDate("3 Jan 2005 01:02:03 +0000"));
  CHECK(ParseDate("3 Jan 2005 01:02:03 -0000") == ParseDate("3 Jan 2005 01:02:03 +0000"));
}

TEST_CASE("ParseDate accepts common broken forms", "[mime][date]") {
  CHECK(ParseDate("Friday, 21 November 1997 09:55:06 -0600") == kA11);
  CHECK(ParseDate("Fri, 21 Nov 1997 9:55:6 -0600") == kA11);
  CHECK(ParseDate("fri, 21 nov 1997 09:55:06 -0600") == kA11);
  CHECK(ParseDate("Fri, 21 Nov 1997 15:55:06") == kA11);  // no zone: UTC
  CHECK(ParseDate("Fri, 21 Nov 1997 16:55:06 GMT+0100") == kA11);
  CHECK(ParseDate("Fri, 21 Nov 1997 16:55:06 +01:00") == kA11);
  CHECK(ParseDate("Fri, 21 Nov 1997 16:55:06 CET") == kA11);
  CHECK(ParseDate("Fri Nov 21 15:55:06 1997") == kA11);    // asctime
  CHECK(ParseDate("21-Nov-1997 09:55:06 -0600") == kA11);  // IMAP INTERNALDATE style
  CHECK(ParseDate("1997-11-21T15:55:06Z") == kA11);
  CHECK(ParseDate("1997-11-21 09:55:06 -06:00") == kA11);
  CHECK(ParseDate("1997-11-21T15:55:06.123+00:00") == kA11);
  CHECK(ParseDate("21.11.1997 15:55:06") == kA11);
  CHECK(ParseDate("Fri, 21 Nov 1997 03:55:06 PM +0000") == kA11);
  CHECK(ParseDate("Fri, 21 Nov 1997 12:00:00 AM +0000") == kA11 - 15 * 3600 - 55 * 60 - 6);
  CHECK(ParseDate("Fri, 21 Nov 1997") == kA11 - 15 * 3600 - 55 * 60 - 6);
}

TEST_CASE("ParseDate rejects garbage and out-of-range values", "[mime][date]") {
  CHECK_FALSE(ParseDate(""));
  CHECK_FALSE(ParseDate("yesterday"));
  CHECK_FALSE(ParseDate("Fri, Nov 1997 09:55:06 -0600"));  // no day
  CHECK_FALSE(ParseDate("Fri, 21 1997 09:55:06 -0600"));   // no month
  CHECK_FALSE(ParseDate("Fri, 21 Nov 09:55:06 -0600"));    // no year
  CHECK_FALSE(ParseDate("Fri, 31 Feb 1997 09:55:06 -0600"));
  CHECK_FALSE(ParseDate("Fri, 29 Feb 1900 09:55:06 -0600"));
  CHECK_FALSE(ParseDate("Fri, 21 Nov 1997 25:55:06 -0600"));
  CHECK_FALSE(ParseDate("Fri, 21 Nov 1997 09:75:06 -0600"));
  CHECK_FALSE(ParseDate("Fri, 21 Nov 99999 09:55:06 -0600"));
  static constexpr char kBinary[] = "\0\xff\xfe garbage \x01";
  CHECK_FALSE(ParseDate(std::string_view(kBinary, sizeof(kBinary) - 1)));
  CHECK_FALSE(ParseDate("1997-13-21T15:55:06Z"));
  std::string colons;
  for (int i = 0; i < 100000; ++i) colons += " : ";
  CHECK_FALSE(ParseDate(colons));
  CHECK(ParseDate("Fri, 21 Nov 1997 09:55:06 -0600 " + std::string(100000, ' ') + "x") == kA11);
}

}  // namespace
}  // namespace mailhoard::mime
