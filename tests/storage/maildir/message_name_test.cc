#include "storage/maildir/message_name.h"

#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "storage/maildir/sha256.h"
#include "storage/maildir/unique_name.h"

namespace mailhoard::maildir {
namespace {

TEST_CASE("flag names split into Maildir letters and keywords", "[flags]") {
  SplitFlags s = SplitFlagNames({"\\Seen", "\\answered", "$Forwarded", "\\Recent", "$Label1",
                                 "\\Draft", "\\FLAGGED", "\\Deleted", "Junk", "$Label1"});
  CHECK(s.flags ==
        (kFlagSeen | kFlagReplied | kFlagPassed | kFlagDraft | kFlagFlagged | kFlagTrashed));
  CHECK(FlagLetters(s.flags) == "DFPRST");
  CHECK(s.keywords == std::vector<std::string>{"$Label1", "Junk"});
  CHECK(SplitFlagNames({"Passed"}).flags == kFlagPassed);
  CHECK(FlagLetters(0) == "");
  CHECK(FlagLetters(kFlagTrashed | kFlagDraft) == "DT");
  CHECK(FlagNames(kFlagSeen | kFlagReplied) == std::vector<std::string>{"\\Answered", "\\Seen"});
  // Every subset survives names → letters → parse.
  for (int bits = 0; bits < 64; ++bits) {
    MaildirFlags f = static_cast<MaildirFlags>(bits);
    CHECK(SplitFlagNames(FlagNames(f)).flags == f);
    Result<ParsedName> p = ParseMessageName("123.M1P2Q3.host:2," + FlagLetters(f));
    REQUIRE(p.ok());
    CHECK(p->flags == f);
  }
}

TEST_CASE("file names parse back into unique part and uid and size and flags", "[flags]") {
  Result<ParsedName> p = ParseMessageName("1700000000.M12P34Q5R00ff.host\\072x,U=42,S=1234:2,FS");
  REQUIRE(p.ok());
  CHECK(p->unique == "1700000000.M12P34Q5R00ff.host\\072x");
  CHECK(p->base == "1700000000.M12P34Q5R00ff.host\\072x,U=42,S=1234");
  CHECK(p->uid == 42u);
  CHECK(p->size == 1234u);
  CHECK(p->has_info);
  CHECK(p->flags == (kFlagFlagged | kFlagSeen));
  CHECK(WithFlags(*p, kFlagReplied) == p->base + ":2,R");

  // Dovecot's own names: W= is ignored, keyword letters kept.
  p = ParseMessageName("1.M2P3.h,S=10,W=12:2,Sab");
  REQUIRE(p.ok());
  CHECK(!p->uid);
  CHECK(p->size == 10u);
  CHECK(p->other_flags == "ab");
  CHECK(WithFlags(*p, kFlagSeen | kFlagDraft) == "1.M2P3.h,S=10,W=12:2,DSab");

  // new/ files have no info; garbage fields are ignored, not fatal.
  p = ParseMessageName("1.M2P3.h,U=x,S=");
  REQUIRE(p.ok());
  CHECK(!p->has_info);
  CHECK(!p->uid);
  CHECK(!p->size);
  CHECK(!ParseMessageName(".hidden").ok());
  CHECK(!ParseMessageName("").ok());
  CHECK(!ParseMessageName("a/b").ok());
  CHECK(!ParseMessageName("1.M.h,U=99999999999:2,").value().uid);
}

TEST_CASE("random file names parse without harm", "[flags]") {
  std::mt19937 rng(3);
  const std::string alphabet = "0123456789.,:=USWMPQR2abDFPRST/\\\xff";
  for (int i = 0; i < 20000; ++i) {
    std::string name;
    size_t len = rng() % 40;
    for (size_t k = 0; k < len; ++k) name.push_back(alphabet[rng() % alphabet.size()]);
    Result<ParsedName> p = ParseMessageName(name);
    if (!p.ok()) continue;
    // Rewriting the flags of any parsed name keeps its base and stays parseable.
    std::string renamed = WithFlags(*p, kFlagSeen);
    Result<ParsedName> again = ParseMessageName(renamed);
    REQUIRE(again.ok());
    CHECK(again->base == p->base);
    CHECK((again->flags & kFlagSeen) != 0);
  }
}

TEST_CASE("unique names are unique and carry a sanitised host", "[unique]") {
  int64_t t = 0;
  UniqueNameGenerator gen([&] { return WallTime{1700000000, t}; }, 4242, "mail/host:1,a", 7);
  std::string first = gen.Next();
  CHECK(first.rfind("1700000000.M0P4242Q1R", 0) == 0);
  CHECK(first.size() > 30);
  CHECK(gen.host() == "mail\\057host\\0721\\054a");
  CHECK(first.find('/') == std::string::npos);
  CHECK(first.find(':') == std::string::npos);
  CHECK(first.find(',') == std::string::npos);
  Result<ParsedName> parsed = ParseMessageName(first + ",U=1,S=2:2,S");
  REQUIRE(parsed.ok());
  CHECK(parsed->unique == first);

  // Same clock reading, same pid, two generators (two hosts or a reused pid
  // after reboot): still distinct.
  UniqueNameGenerator other([&] { return WallTime{1700000000, t}; }, 4242, "mail/host:1,a", 8);
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    CHECK(seen.insert(gen.Next()).second);
    CHECK(seen.insert(other.Next()).second);
  }
  CHECK(SanitizeHost("") == "localhost");
  CHECK(SanitizeHost("a\\b") == "a\\134b");
  UniqueNameGenerator real;
  CHECK(real.Next() != real.Next());
}

TEST_CASE("sha256 matches the FIPS 180-2 vectors", "[sha256]") {
  Sha256 h;
  h.Update("abc", 3);
  CHECK(ToHex(h.Finish()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(ToHex(h.Finish()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace mailhoard::maildir
